"""Pairs of students whose submissions for one exercise are suspiciously alike. It flags; it never scores.

The fingerprints are copydetect's (a maintained implementation of the
winnowing algorithm that MOSS uses, Schleimer, Wilkerson and Aiken 2003):
each file is tokenized by Pygments, names, strings and comments are
normalised away (renaming variables, reformatting or rewording comments does
not hide a copy), every k-gram of the token stream is hashed and a window
keeps the minimum. What the stub already gives every student is removed from
both sides before comparing, so that filling in the same skeleton is not a
match. Two students share the hashes of what they share; the regions are
rebuilt from those positions so that a report can show them side by side.

Only the trusted process reads the files (as text, never run). copydetect's
package ``__init__`` imports matplotlib for its HTML report, which we do not
use, so only its ``utils`` module (the fingerprinting) is loaded.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

NOISE = 25
"""k: matches shorter than this many normalised characters are noise (copydetect's default noise threshold)."""
GUARANTEE = 30
"""Every match at least this long is found (copydetect's default); the winnowing window is GUARANTEE - NOISE + 1."""
THRESHOLD = 0.6
"""A pair is flagged when at least this share of one student's own code (stub removed) is also in the other's."""
MIN_SHARED = 80
"""...and when they share at least this many normalised characters (a two-line solution is alike by necessity)."""
MAX_REGIONS = 5


@dataclass(frozen=True, slots=True)
class Region:
    """One stretch of code found in both files."""

    a_lines: tuple[int, int]
    """First and last line in the first student's file (1-based)."""
    b_lines: tuple[int, int]
    a_text: str
    b_text: str


@dataclass(frozen=True, slots=True)
class SimilarPair:
    """Two students' submissions for one exercise, and how much of each is in the other."""

    exercise: str
    a: str
    b: str
    a_share: float
    """The share of ``a``'s own code (the stub's removed) that is also in ``b``'s."""
    b_share: float
    shared: int
    """Normalised characters in common."""
    regions: tuple[Region, ...]

    @property
    def score(self) -> float:
        return max(self.a_share, self.b_share)


@dataclass(frozen=True, slots=True)
class _Print:
    raw: str
    filtered: str
    offsets: Any
    hashes: set[int]
    where: dict[int, list[int]]
    coverage: float


def compare(exercise: str, sources: Mapping[str, str], stub: str = "", *, threshold: float = THRESHOLD,
            min_shared: int = MIN_SHARED) -> list[SimilarPair]:
    """Every pair of ``sources`` (student -> Python source) at or over ``threshold``, most alike first."""
    utils = _utils()
    boilerplate = _fingerprint(utils, stub, ()).hashes if stub.strip() else set()
    prints = {student: _fingerprint(utils, source, boilerplate) for student, source in sorted(sources.items())}
    pairs = []
    for (a, pa), (b, pb) in itertools.combinations(prints.items(), 2):
        shared_hashes = pa.hashes & pb.hashes
        if not shared_hashes:
            continue
        a_spans = utils.get_copied_slices(_positions(pa, shared_hashes), NOISE)
        b_spans = utils.get_copied_slices(_positions(pb, shared_hashes), NOISE)
        shared = int(min((a_spans[1] - a_spans[0]).sum(), (b_spans[1] - b_spans[0]).sum()))
        a_share = float((a_spans[1] - a_spans[0]).sum() / pa.coverage) if pa.coverage else 0.0
        b_share = float((b_spans[1] - b_spans[0]).sum() / pb.coverage) if pb.coverage else 0.0
        if max(a_share, b_share) >= threshold and shared >= min_shared:
            pairs.append(SimilarPair(exercise, a, b, min(a_share, 1.0), min(b_share, 1.0), shared,
                                     _regions(pa, pb, shared_hashes)))
    return sorted(pairs, key=lambda p: (-p.score, -p.shared, p.a, p.b))


def _fingerprint(utils: ModuleType, source: str, boilerplate: Any) -> _Print:
    import numpy as np

    filtered, offsets = utils.filter_code(source, "submission.py", "python")
    if len(filtered) < NOISE:
        return _Print(source, filtered, offsets, set(), {}, 0.0)
    hashes, where = utils.get_document_fingerprints(filtered, NOISE, GUARANTEE - NOISE + 1,
                                                    np.array(sorted(boilerplate), dtype=np.int64))
    coverage = float(utils.get_token_coverage(where, NOISE, len(filtered)))
    return _Print(source, filtered, offsets, {int(h) for h in hashes}, {int(h): list(v) for h, v in where.items()},
                  coverage)


def _positions(fingerprint: _Print, hashes: set[int]) -> Any:
    import numpy as np

    found = [i for h in hashes for i in fingerprint.where.get(h, [])]
    return np.array(sorted(found), dtype=np.int64)


def _regions(pa: _Print, pb: _Print, hashes: set[int]) -> tuple[Region, ...]:
    """Matched stretches, paired: runs of shared k-grams that advance together in both files."""
    pairs = sorted((i, j) for h in hashes for i in pa.where.get(h, [])[:3] for j in pb.where.get(h, [])[:3])
    runs: list[list[int]] = []  # [a_start, a_end, b_start, b_end] in filtered characters
    for i, j in pairs:
        for run in runs:
            if run[0] <= i <= run[1] + NOISE and run[2] - NOISE <= j <= run[3] + NOISE:
                run[1], run[3] = max(run[1], i), max(run[3], j)
                run[2] = min(run[2], j)
                break
        else:
            runs.append([i, i, j, j])
    runs.sort(key=lambda r: -(r[1] - r[0]))
    # a lone shared k-gram (a common idiom) is not a region worth showing, unless it is all there is
    runs = runs[:1] + [r for r in runs[1:] if r[1] - r[0] >= NOISE]
    regions = []
    for a0, a1, b0, b1 in runs[:MAX_REGIONS]:
        a_lines = _lines(pa, a0, a1 + NOISE)
        b_lines = _lines(pb, b0, b1 + NOISE)
        regions.append(Region(a_lines, b_lines, _excerpt(pa.raw, a_lines), _excerpt(pb.raw, b_lines)))
    return tuple(sorted(regions, key=lambda r: r.a_lines))


def _lines(fingerprint: _Print, start: int, end: int) -> tuple[int, int]:
    """Filtered positions back to the raw text's line numbers (copydetect's offsets table, as its report does)."""
    import numpy as np

    offsets = fingerprint.offsets
    spots = np.array([start, max(start, end - 1)])
    if len(offsets):
        spots = spots + offsets[:, 1][np.clip(np.searchsorted(offsets[:, 0], spots), 0, offsets.shape[0] - 1)]
    first, last = (int(min(max(s, 0), max(len(fingerprint.raw) - 1, 0))) for s in spots)
    return fingerprint.raw.count("\n", 0, first) + 1, fingerprint.raw.count("\n", 0, last) + 1


def _excerpt(raw: str, lines: tuple[int, int]) -> str:
    return "\n".join(raw.splitlines()[lines[0] - 1: lines[1]])


def _utils() -> ModuleType:
    """``copydetect.utils`` without running ``copydetect/__init__`` (matplotlib, seconds, a font cache)."""
    if "copydetect.utils" in sys.modules:
        return sys.modules["copydetect.utils"]
    if "copydetect" in sys.modules:
        return importlib.import_module("copydetect.utils")
    spec = importlib.util.find_spec("copydetect")
    if spec is None:
        raise ModuleNotFoundError("copydetect is not installed (pip install copydetect)")
    sys.modules["copydetect"] = importlib.util.module_from_spec(spec)  # the package, its __init__ not run
    try:
        return importlib.import_module("copydetect.utils")
    finally:
        del sys.modules["copydetect"]  # a later `import copydetect` runs the real __init__
