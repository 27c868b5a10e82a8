"""The similarity report: a copy survives renaming, re-commenting and reformatting; the stub is no evidence."""

from __future__ import annotations

import re

from grader.render import similarity as report
from grader.similarity import compare

STUB = '''def confusion(y_true, y_pred, n):
    """Return the n x n confusion matrix."""
    raise NotImplementedError


def f1(y_true, y_pred):
    """Return the F1 score."""
    raise NotImplementedError
'''

ORIGINAL = '''import numpy as np


def confusion(y_true, y_pred, n):
    """Return the n x n confusion matrix."""
    matrix = np.zeros((n, n), dtype=np.int64)
    for truth, guess in zip(y_true, y_pred):
        matrix[truth, guess] += 1
    return matrix


def f1(y_true, y_pred):
    """Return the F1 score."""
    tp = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p == 1)
    fp = sum(1 for t, p in zip(y_true, y_pred) if t == 0 and p == 1)
    fn = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p == 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
'''

INDEPENDENT = '''import numpy as np


def confusion(y_true, y_pred, n):
    """Return the n x n confusion matrix."""
    idx = np.asarray(y_true) * n + np.asarray(y_pred)
    return np.bincount(idx, minlength=n * n).reshape(n, n)


def f1(y_true, y_pred):
    """Return the F1 score."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    true_pos = np.sum((y_true == 1) & (y_pred == 1))
    denominator = np.sum(y_true == 1) + np.sum(y_pred == 1)
    return float(2 * true_pos / denominator) if denominator else 0.0
'''


def _disguise(source: str) -> str:
    """What a student does to hide a copy: rename everything, rewrite comments, reformat, add blank lines."""
    renamed = source
    for old, new in (("matrix", "cm"), ("truth", "a"), ("guess", "b"), ("precision", "prec"), ("recall", "rec"),
                     ("tp", "hits"), ("fp", "false_alarms"), ("fn", "misses")):
        renamed = re.sub(rf"\b{old}\b", new, renamed)
    renamed = re.sub(r'""".*?"""', '"""My own work, honestly."""', renamed, flags=re.S)
    renamed = renamed.replace("    ", "  ").replace("\n\n\n", "\n\n\n\n# helper section\n")
    return renamed


def test_a_disguised_copy_is_flagged_and_an_independent_solution_is_not() -> None:
    pairs = compare("metrics", {"ana": ORIGINAL, "ben": _disguise(ORIGINAL), "cy": INDEPENDENT}, STUB)
    assert [(p.a, p.b) for p in pairs] == [("ana", "ben")]
    pair = pairs[0]
    assert pair.a_share > 0.9 and pair.b_share > 0.9 and pair.exercise == "metrics"


def test_the_stub_alone_is_no_evidence() -> None:
    # Two students who only filled in one function differently share the stub's lines, and are not flagged.
    only_stub_a = STUB.replace("raise NotImplementedError\n\n\ndef f1", "return np.zeros((n, n))\n\n\ndef f1", 1)
    only_stub_b = STUB.replace("raise NotImplementedError\n\n\ndef f1", "return [[0] * n] * n\n\n\ndef f1", 1)
    assert compare("metrics", {"ana": only_stub_a, "ben": only_stub_b}, STUB) == []
    assert compare("metrics", {"ana": STUB, "ben": STUB}, STUB) == []


def test_regions_point_at_the_shared_lines_of_both_files() -> None:
    padded = "import os\n\n\ndef unrelated_helper(path):\n    return os.path.basename(path).upper()\n\n\n" + ORIGINAL
    [pair] = compare("metrics", {"ana": ORIGINAL, "ben": padded}, STUB)
    region = max(pair.regions, key=lambda r: r.a_lines[1] - r.a_lines[0])
    assert region.b_lines[0] - region.a_lines[0] == 7  # ben's copy starts 7 lines lower
    assert "np.zeros" in region.a_text and "np.zeros" in region.b_text


def test_the_report_shows_regions_side_by_side_escaped() -> None:
    hostile = ORIGINAL.replace("import numpy as np", "import numpy as np  # </pre></td><script>alert(1)</script>")
    pairs = compare("metrics", {"<b>ana</b>": hostile, "ben": _disguise(ORIGINAL)}, STUB)
    text = report.write(pairs, {"metrics": 2, "toy": 0})
    assert "## `metrics`: 1 pair among 2 submissions" in text and "## `toy`: 0 pairs among 0 submissions" in text
    assert "<script>" not in text and "&lt;b&gt;ana&lt;/b&gt;" in text
    assert text.count("<table>") == 1 and "lines" in text
    assert "changes no score" in text
