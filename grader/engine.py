"""The order of the steps, and nothing else.

    load exercise -> load submission -> run it isolated (observations)
    -> judge (checks) -> diagnose -> PairResult

``grade_file`` grades one file (``batch.py`` grades many at once). The
reference solution's observations come from ``reference.py``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from . import __version__, diagnosis, judge, reference, wire
from . import submission as submissions
from .errors import SubmissionError
from .exercise import Exercise
from .record import RunRecord
from .results import CheckResult, PairResult
from .sandbox import Pool
from .submission import Submission

_judging = threading.Lock()  # pytest runs the checks in this process: one pair at a time


def grade_file(exercise: Exercise, path: Path, pool: Pool, student: str | None = None) -> PairResult:
    """Grade one submitted file; an unreadable file gives a zero result with the reason."""
    try:
        submission = submissions.load(path, exercise.id)
    except SubmissionError as e:
        return unreadable(exercise, path, str(e), student)
    return grade(exercise, submission, pool, student)


def grade(exercise: Exercise, submission: Submission, pool: Pool, student: str | None = None) -> PairResult:
    """Run ``submission`` in a sandboxed worker and judge what it did."""
    started = time.perf_counter()
    expected = reference.record(exercise, pool)
    after_reference = time.perf_counter()
    record = pool.run(exercise, submission)
    after_run = time.perf_counter()
    with _judging:
        checks = judge.run(exercise, record, expected)
    finished = time.perf_counter()
    return _assemble(
        exercise, submission.path, student, checks,
        errors=_run_errors(record),
        notes=submission.notes,
        isolation=record.isolation,
        timings={"reference": after_reference - started, "run": after_run - after_reference,
                 "judge": finished - after_run, "total": finished - started},
        digest=submission.digest,
    )


def unreadable(exercise: Exercise, path: Path, reason: str, student: str | None = None) -> PairResult:
    """A zero result that still lists every check, for a submission that could not be read."""
    with _judging:
        specs = judge.collect(exercise)
    checks = tuple(
        CheckResult(id=s.id, title=s.title, score=0.0, max_score=s.points, outcome="missing",
                    message="Not graded (see Problems above).", guards=s.bugs, public=s.public,
                    cause="unreadable", visibility=s.visibility)
        for s in specs
    )
    return _assemble(exercise, path, student, checks, errors=(wire.clean_text(reason),), notes=(),
                     isolation="not run", timings={}, digest="")


def _run_errors(record: RunRecord) -> tuple[str, ...]:
    errors = []
    imported = record.observations.get(wire.IMPORT_KEY)
    if isinstance(imported, wire.ProbeError):
        what = f"{imported.type}: {imported.message}" if imported.kind == "raised" else imported.message
        errors.append(f"Your file could not be imported: {what}")
    errors.extend(record.incidents)
    return tuple(errors)


def _assemble(exercise: Exercise, path: Path, student: str | None, checks: tuple[CheckResult, ...], *,
              errors: tuple[str, ...], notes: tuple[str, ...], isolation: str, timings: dict[str, float],
              digest: str) -> PairResult:
    found, possible = diagnosis.diagnose(exercise, checks)
    # File names, notebook magics and zip members come from the student: no terminal escapes in reports.
    return PairResult(
        exercise=exercise.id,
        title=exercise.title,
        submission=wire.clean_text(path.name),
        student=wire.clean_text(student) if student is not None else None,
        score=sum(c.score for c in checks),
        max_score=sum(c.max_score for c in checks),
        checks=checks,
        bugs_found=found,
        bugs_possible=possible,
        errors=tuple(wire.clean_text(e) for e in errors),
        notes=tuple(wire.clean_text(n) for n in notes),
        isolation=isolation,
        timings={k: round(v, 3) for k, v in timings.items()},
        submission_sha256=digest,
        grader_version=__version__,
    )
