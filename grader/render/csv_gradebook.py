"""CSV gradebook: one row per student, one score column per exercise, and a total.

Plain CSV with a header row, as LMS grade imports expect. A student with no
submission for an exercise gets an empty cell, not a zero, so the TA can tell
"missing" from "scored nothing".
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from ..results import PairResult


def write(results: Sequence[PairResult], stream: TextIO) -> None:
    exercises = sorted({r.exercise for r in results})
    maxima = {r.exercise: r.max_score for r in results}
    by_student: dict[str, dict[str, PairResult]] = {}
    for result in results:
        by_student.setdefault(result.student or result.submission, {})[result.exercise] = result
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["student", *exercises, "total", "max_total", "percent", "errors"])
    for student in sorted(by_student):
        row = by_student[student]
        total = sum(r.score for r in row.values())
        possible = sum(maxima[e] for e in exercises)
        errors = sum(len(r.errors) for r in row.values())
        writer.writerow([
            student,
            *(_number(row[e].score) if e in row else "" for e in exercises),
            _number(total), _number(possible),
            f"{100 * total / possible:.1f}" if possible else "0.0",
            errors,
        ])


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"
