"""Grading in a student's repository (``grader ci``), and checking those scores against the instructor's.

**Which file is which exercise**, in this order (:func:`discover`):

1. ``grader.toml`` at the repository's root names them: ``[exercises]`` ``toy = "src/toy.py"``;
2. a header line ``# exercise: ID`` in a file's first lines (a notebook's first code cell);
3. the file's name, ``ID.py``, ``ID.ipynb`` or ``ID.zip``, anywhere in the repository.

**What a CI score is worth.** The student controls the repository and its workflow, so a score computed
there is feedback, not a grade: the workflow can be edited, the grader replaced, the result forged. The CI
report therefore says which exercise suites and which grader produced it (:func:`suites_digest`), so that
``--expect-digest`` catches an outdated or edited copy of the suites, and the authoritative path is the
instructor's own ``grader grade`` over the collected repositories; :func:`compare` then marks every student
whose CI score differs from that re-grade.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import __version__, wire
from .discovery import SUBMISSION_SUFFIXES
from .errors import UsageError
from .exercise import Course
from .results import SCHEMA_VERSION, PairResult

CONFIG_FILE = "grader.toml"
REPORT_KIND = "grader-ci"
HEADER_LINES = 10
_HEADER = re.compile(r"^\s*#\s*exercise\s*:\s*([A-Za-z0-9_]+)\s*$", re.IGNORECASE)
_SKIP_DIRS = {".git", ".hg", ".venv", "venv", "env", "node_modules", "__pycache__", ".tox", "site-packages",
              ".ipynb_checkpoints", "build", "dist"}
_OUTPUTS = {"grader-results.json", "grader-junit.xml", "grader-summary.md"}
How = Literal["grader.toml", "header", "file name"]


@dataclass(frozen=True, slots=True)
class Found:
    """One solution file of the repository and the exercise it answers."""

    exercise_id: str
    path: Path
    how: How
    """What said so: the repository's ``grader.toml``, a ``# exercise: ID`` header, or the file's name."""


def discover(root: Path, course: Course) -> tuple[list[Found], list[str]]:
    """The solution files under ``root``, one per exercise, and warnings about files passed over.

    Raises :class:`UsageError` when ``grader.toml`` is malformed or names an unknown exercise or a missing
    file, and when two files claim the same exercise in the same way (the student must say which).
    """
    known = set(course.ids())
    chosen: dict[str, Found] = {}
    warnings: list[str] = []
    for found in _from_config(root, known):
        chosen[found.exercise_id] = found
    by_header: dict[str, list[Path]] = {}
    by_name: dict[str, list[Path]] = {}
    for path in _candidates(root):
        header = _header(path)
        if header is not None:
            if header not in known:
                near = difflib.get_close_matches(header, sorted(known), n=1)
                warnings.append(f"{_rel(path, root)}: header names unknown exercise {header!r}"
                                + (f" (did you mean {near[0]!r}?)" if near else ""))
                continue
            by_header.setdefault(header, []).append(path)
        elif path.stem in known:
            by_name.setdefault(path.stem, []).append(path)
    for how, table in (("header", by_header), ("file name", by_name)):
        for exercise_id, paths in sorted(table.items()):
            if exercise_id in chosen:
                if all(p != chosen[exercise_id].path for p in paths):
                    warnings.append(f"{', '.join(_rel(p, root) for p in paths)}: not graded; "
                                    f"{_rel(chosen[exercise_id].path, root)} answers {exercise_id} "
                                    f"(by {chosen[exercise_id].how})")
                continue
            if len(paths) > 1:
                raise UsageError(f"several files answer exercise {exercise_id!r} (by {how}): "
                                 f"{', '.join(_rel(p, root) for p in paths)}; name one in {CONFIG_FILE} "
                                 f"([exercises] {exercise_id} = \"path\")")
            chosen[exercise_id] = Found(exercise_id, paths[0], how)  # type: ignore[arg-type]
    return [chosen[i] for i in sorted(chosen)], warnings


def suites_digest(course: Course) -> str:
    """One SHA-256 over every exercise of ``course`` (each exercise's own digest: its files and solution).

    A student bundle and the instructor's full course have different digests; the instructor publishes the
    bundle's (``grader export`` prints it) for ``grader ci --expect-digest``.
    """
    h = hashlib.sha256()
    for exercise in course.all():
        h.update(f"{exercise.id} {exercise.digest()}\n".encode())
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class CiReport:
    """What ``grader ci`` wrote to ``grader-results.json``: the results and what produced them."""

    results: tuple[PairResult, ...]
    """As the student saw them (visibility applied)."""
    suites_digest: str
    student: str | None = None
    """Self-reported (``--student``, ``$GITHUB_ACTOR``): :func:`compare` trusts the instructor's folder name."""
    grader_version: str = __version__
    repository: str = ""
    commit: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": REPORT_KIND, "schema_version": SCHEMA_VERSION, "student": self.student,
                "grader_version": self.grader_version, "suites_digest": self.suites_digest,
                "repository": self.repository, "commit": self.commit, "extra": dict(self.extra),
                "results": [r.to_dict() for r in self.results]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CiReport:
        if data.get("kind") != REPORT_KIND:
            raise ValueError("not a grader ci report")
        return cls(tuple(PairResult.from_dict(r) for r in data["results"]), data["suites_digest"],
                   data.get("student"), data.get("grader_version", ""), data.get("repository", ""),
                   data.get("commit", ""), dict(data.get("extra", {})))


def environment_facts() -> dict[str, str]:
    """Where this CI run happened, from the CI's own variables (GitHub Actions, GitLab CI)."""
    env = os.environ
    repository = env.get("GITHUB_REPOSITORY") or env.get("CI_PROJECT_PATH") or ""
    commit = env.get("GITHUB_SHA") or env.get("CI_COMMIT_SHA") or ""
    student = env.get("GITHUB_ACTOR") or env.get("GITLAB_USER_LOGIN") or ""
    return {"repository": repository, "commit": commit, "student": student}


# ---- CI scores against the instructor's re-grade ---------------------------------------------------------

Verdict = Literal["same", "differs", "different file", "suites differ", "not re-graded", "no CI result",
                  "unreadable report"]
FLAGGED: frozenset[str] = frozenset({"differs", "different file", "suites differ", "unreadable report"})
MAX_REPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class UnreadableReport:
    """A collected CI report that could not be read: its student is flagged, never silently left out."""

    reason: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """One (student, exercise): the score CI reported and the instructor's on the same checks."""

    student: str
    exercise: str
    verdict: Verdict
    ci_score: float | None = None
    instructor_score: float | None = None
    """The instructor's points on the checks the CI report has (a bundle has only the public ones)."""
    max_score: float | None = None
    detail: str = ""

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED


def load_ci_reports(folder: Path) -> dict[str, CiReport | UnreadableReport]:
    """CI reports collected from the repositories, by student: ``FOLDER/<student>.json`` or
    ``FOLDER/<student>/<any>.json`` (the folder's or file's name is the student, never the report's claim)."""
    reports: dict[str, CiReport | UnreadableReport] = {}
    for path in sorted(folder.rglob("*.json")):
        relative = path.relative_to(folder)
        student = relative.parts[0] if len(relative.parts) > 1 else path.stem
        report: CiReport | UnreadableReport
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                raise ValueError(f"larger than {MAX_REPORT_BYTES // 2**20} MB")
            report = CiReport.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
            report = UnreadableReport(f"{relative}: {type(e).__name__}: {str(e)[:120]}")
        if student in reports:
            raise UsageError(f"two CI reports for {student!r} in {folder}")
        reports[student] = report
    return reports


def load_results(path: Path) -> list[PairResult]:
    """The instructor's results: ``results.jsonl`` (one per line), or a JSON object or ``{"results": [...]}``."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [PairResult.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return [PairResult.from_dict(r) for r in data.get("results", [data])]


def compare(ci_reports: dict[str, CiReport | UnreadableReport], instructor: Iterable[PairResult],
            expect_digest: str | None = None) -> list[Comparison]:
    """Every (student, exercise) of either side, CI's score against the instructor's on the same checks."""
    trusted = {(r.student or r.submission, r.exercise): r for r in instructor}
    rows = []
    for student, report in sorted(ci_reports.items()):
        if isinstance(report, UnreadableReport):
            rows.append(Comparison(student, "*", "unreadable report", detail=wire.clean_text(report.reason)))
            continue
        digest_ok = expect_digest is None or report.suites_digest == expect_digest
        for ci_result in report.results:
            regraded = trusted.pop((student, ci_result.exercise), None)
            rows.append(_compare_one(student, ci_result, regraded, digest_ok, report.suites_digest))
    rows.extend(Comparison(student, exercise, "no CI result", None, r.score, r.max_score)
                for (student, exercise), r in sorted(trusted.items()))
    return rows


def _compare_one(student: str, ci: PairResult, regraded: PairResult | None, digest_ok: bool,
                 digest: str) -> Comparison:
    base = {"student": student, "exercise": ci.exercise, "ci_score": ci.score, "max_score": ci.max_score}
    if regraded is None:
        return Comparison(**base, verdict="not re-graded", detail="the instructor's results have no such pair")
    theirs = {c.id: c for c in regraded.checks}
    unknown = [c.id for c in ci.checks if c.id not in theirs]
    same_checks = sum(theirs[c.id].score for c in ci.checks if c.id in theirs)
    base["instructor_score"] = same_checks
    if not digest_ok or unknown:
        why = f"checks unknown to the instructor: {', '.join(unknown[:5])}" if unknown else \
            f"CI ran suites {digest[:12]}, not the expected ones"
        return Comparison(**base, verdict="suites differ", detail=why)
    if ci.submission_sha256 and regraded.submission_sha256 and ci.submission_sha256 != regraded.submission_sha256:
        return Comparison(**base, verdict="different file",
                          detail="CI graded another version of the file than the one collected")
    differing = [c.id for c in ci.checks if c.score != theirs[c.id].score]
    if differing:
        return Comparison(**base, verdict="differs", detail="checks scored differently: " + ", ".join(differing[:5]))
    return Comparison(**base, verdict="same")


# ---- discovery helpers -----------------------------------------------------------------------------------


def _from_config(root: Path, known: set[str]) -> list[Found]:
    path = root / CONFIG_FILE
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: not valid TOML: {e}") from None
    unknown = set(data) - {"exercises"}
    if unknown:
        raise UsageError(f"{path}: unknown table or key {sorted(unknown)[0]!r} (only [exercises] is read)")
    table = data.get("exercises", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [exercises] must map exercise ids to file paths")
    found = []
    for exercise_id, relative in sorted(table.items()):
        if exercise_id not in known:
            near = difflib.get_close_matches(exercise_id, sorted(known), n=1)
            raise UsageError(f"{path}: no exercise {exercise_id!r} in this course"
                             + (f"; did you mean {near[0]!r}?" if near else ""))
        if not isinstance(relative, str):
            raise UsageError(f"{path}: the file of {exercise_id!r} must be a path string")
        file = (root / relative).resolve()
        if not file.is_file() or not file.is_relative_to(root.resolve()):
            raise UsageError(f"{path}: {exercise_id} = {relative!r} is not a file inside the repository")
        found.append(Found(exercise_id, file, "grader.toml"))
    return found


def _candidates(root: Path) -> Sequence[Path]:
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() in SUBMISSION_SUFFIXES and name not in _OUTPUTS and not path.is_symlink():
                found.append(path)
    return found


def _header(path: Path) -> str | None:
    """The id in a ``# exercise: ID`` line among the first lines (a notebook's first code cell), or None."""
    try:
        if path.suffix.lower() == ".py":
            with path.open(encoding="utf-8", errors="replace") as f:
                lines = [f.readline() for _ in range(HEADER_LINES)]
        elif path.suffix.lower() == ".ipynb":
            if path.stat().st_size > 50 * 1024 * 1024:
                return None
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            code = next((c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"), None)
            source = code.get("source", "") if code else ""
            lines = (source if isinstance(source, str) else "".join(source)).splitlines()[:HEADER_LINES]
        else:
            return None
    except (OSError, ValueError, AttributeError):
        return None
    for line in lines:
        match = _HEADER.match(line)
        if match:
            return match[1].lower()
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
