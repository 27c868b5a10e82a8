"""CSV gradebook: one row per student, one score column per exercise, a total, and a points-possible row.

Plain CSV with a header row. A student with no submission for an exercise
gets an empty cell, not a zero, so the TA can tell "missing" from "scored
nothing". With ``points`` (each exercise's points, from the course), a
``Points Possible`` row follows the header, as in an LMS's own export, and the
totals count every exercise, submitted or not. The files an LMS imports are
:mod:`grader.render.lms`.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Mapping, Sequence
from typing import TextIO

from ..results import PairResult

POINTS_ROW = "Points Possible"


def write(results: Sequence[PairResult], stream: TextIO, *, points: Mapping[str, float] | None = None,
          late: Collection[tuple[str, str]] | None = None) -> None:
    """Write the gradebook; ``late`` holds the (student, exercise) pairs the LMS marked late (a ``late`` column)."""
    maxima = {r.exercise: r.max_score for r in results} | dict(points or {})
    exercises = sorted(maxima) if points is not None else sorted({r.exercise for r in results})
    by_student: dict[str, dict[str, PairResult]] = {}
    for result in results:
        by_student.setdefault(result.student or result.submission, {})[result.exercise] = result
    writer = csv.writer(stream, lineterminator="\n")
    extra = ["late"] if late is not None else []
    writer.writerow(["student", *exercises, "total", "max_total", "percent", "errors", *extra])
    possible = sum(maxima[e] for e in exercises)
    if points is not None:
        writer.writerow([POINTS_ROW, *(_number(maxima[e]) for e in exercises), _number(possible), _number(possible),
                         "100.0", "", *([""] if late is not None else [])])
    for student in sorted(by_student):
        row = by_student[student]
        total = sum(r.score for r in row.values())
        errors = sum(len(r.errors) for r in row.values())
        cells = [
            _safe(student),
            *(_number(row[e].score) if e in row else "" for e in exercises),
            _number(total), _number(possible),
            f"{100 * total / possible:.1f}" if possible else "0.0",
            errors,
        ]
        if late is not None:
            cells.append(" ".join(e for e in exercises if (student, e) in late))
        writer.writerow(cells)


def _safe(text: str) -> str:
    """A student name never becomes a spreadsheet formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"
