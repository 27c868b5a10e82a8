"""The files of a class run, written at its end from the results that count.

``OUT/gradebook.csv``      one row per student, one column per exercise, total, a Points Possible row, late flags;
``OUT/results.jsonl``      one result per line (the JSON of ``docs/results.md``);
``OUT/feedback/<s>.md``    one Markdown file per student, the student's view (see ``feedback.py``);
``OUT/summary.md``         the class summary (see ``summary.py``);
``OUT/similarity.md``      pairs of alike submissions per exercise, regions side by side;
``OUT/canvas.csv``, ``OUT/moodle.csv``  the LMS import files asked for with ``--lms``.

The store (``.grader/results.sqlite``) is what keeps a run's work as it
happens; these files are views of it, each replaced whole (written beside,
then renamed), so a run killed while writing them leaves the previous ones.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..results import PairResult
from ..roster import Identity
from . import csv_gradebook, feedback, lms, summary
from . import similarity as similarity_report
from .visibility import Policy


@dataclass(frozen=True, slots=True)
class RunFiles:
    """What the run's files need beyond the summary."""

    points: Mapping[str, float]
    """Each exercise's points (from the course)."""
    identities: Mapping[str, Identity]
    late: Collection[tuple[str, str]] = ()
    lms: Sequence[str] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
    """An exercise's column in the LMS gradebook, when a roster gave one."""
    policy: Policy | None = None
    compared: Mapping[str, int] = field(default_factory=dict)
    """Submissions compared for similarity, per exercise (empty: no similarity report)."""
    notes: Sequence[str] = ()
    """Closing lines of each feedback file."""


def write(out: Path, run: summary.ClassSummary, files: RunFiles) -> list[Path]:
    """Write every file of the run; returns their paths."""
    results = sorted(run.results, key=lambda r: (r.student or "", r.exercise))
    written = [
        _replace(out / "gradebook.csv", _render(lambda s: csv_gradebook.write(results, s, points=files.points,
                                                                              late=set(files.late)))),
        _replace(out / "results.jsonl", "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in results)),
        _replace(out / "summary.md", summary.markdown_file(run)),
    ]
    by_student: dict[str, list[PairResult]] = {}
    for result in results:
        by_student.setdefault(result.student or result.submission, []).append(result)
    for student, theirs in by_student.items():
        text = feedback.student_file(student, theirs, policy=files.policy, points=files.points, notes=files.notes)
        written.append(_replace(out / "feedback" / f"{feedback.file_name(student)}.md", text))
    if files.compared:
        written.append(_replace(out / "similarity.md", similarity_report.write(run.similar, dict(files.compared))))
    for name in files.lms:
        written.append(_replace(out / f"{name}.csv", _lms_file(name, results, files)))
    return written


def _lms_file(name: str, results: Sequence[PairResult], files: RunFiles) -> str:
    if name == "canvas":
        return _render(lambda s: lms.canvas(results, files.identities, files.points, s, columns=files.columns))
    return _render(lambda s: lms.moodle(results, files.identities, sorted(files.points), s, columns=files.columns))


def _render(write_to) -> str:  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    write_to(stream)
    return stream.getvalue()


def _replace(path: Path, text: str) -> Path:
    """Write ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(partial, path)
    return path
