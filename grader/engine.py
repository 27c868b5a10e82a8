"""The order of the steps, and nothing else.

    load exercise -> load submission -> run it isolated (observations)
    -> judge (checks) -> PairResult

``grade_file`` grades one file; ``grade_class`` walks a class folder. The
reference solution's observations (what ``expected(...)`` returns in checks)
are computed once per exercise version in a clean worker and cached on disk.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__, diagnosis, judge, sandbox, wire
from . import submission as submissions
from .errors import SubmissionError
from .exercise import Course, Exercise
from .results import CheckResult, PairResult
from .sandbox import RunRecord
from .submission import Submission
from .worker import IMPORT_KEY

CACHE_ENV = "GRADER_CACHE_DIR"
SUBMISSION_SUFFIXES = (".py", ".ipynb", ".zip")


def cache_dir() -> Path:
    """Where reference observations are cached: ``$GRADER_CACHE_DIR`` or the user cache."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "grader"


def reference_record(exercise: Exercise) -> RunRecord | None:
    """The reference solution's observations, from the cache or a fresh run."""
    if exercise.solution is None:
        return None
    return _reference_record(exercise, exercise.digest())


@lru_cache(maxsize=32)
def _reference_record(exercise: Exercise, digest: str) -> RunRecord:
    """Memoised per process, so a class run reads the cache file once per exercise, not per pair."""
    path = cache_dir() / "reference" / f"{exercise.id}-{digest[:20]}-{__version__}.json"
    try:
        return RunRecord.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    record = sandbox.run(exercise, submissions.load(exercise.solution, exercise.id))
    if record.exit == "ok":  # never cache a reference run that went wrong
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(record.to_dict()))
        tmp.replace(path)
    return record


def grade_file(exercise: Exercise, path: Path, student: str | None = None) -> PairResult:
    """Grade one submitted file; an unreadable file gives a zero result with the reason."""
    try:
        submission = submissions.load(path, exercise.id)
    except SubmissionError as e:
        return unreadable(exercise, path, str(e), student)
    return grade(exercise, submission, student)


def grade(exercise: Exercise, submission: Submission, student: str | None = None) -> PairResult:
    """Run ``submission`` in a worker and judge what it did."""
    started = time.perf_counter()
    reference = reference_record(exercise)
    after_reference = time.perf_counter()
    record = sandbox.run(exercise, submission)
    after_run = time.perf_counter()
    checks = judge.run(exercise, record, reference)
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
    checks = tuple(
        CheckResult(id=s.id, title=s.title, score=0.0, max_score=s.points, outcome="missing",
                    message="Not graded (see Problems above).", guards=s.bugs, public=s.public,
                    cause="unreadable")
        for s in judge.collect(exercise)
    )
    return _assemble(exercise, path, student, checks, errors=(reason,), notes=(), isolation="not run",
                     timings={}, digest="")


def _run_errors(record: RunRecord) -> tuple[str, ...]:
    errors = []
    imported = record.observations.get(IMPORT_KEY)
    if isinstance(imported, wire.ProbeError):
        errors.append(f"Your file could not be imported: {imported.type}: {imported.message}")
    if record.plan is None:
        errors.append("The worker stopped before it could run anything.")
    errors.extend(record.incidents)
    return tuple(errors)


def _assemble(exercise: Exercise, path: Path, student: str | None, checks: tuple[CheckResult, ...], *,
              errors: tuple[str, ...], notes: tuple[str, ...], isolation: str, timings: dict[str, float],
              digest: str) -> PairResult:
    found, possible = diagnosis.diagnose(exercise, checks)
    return PairResult(
        exercise=exercise.id,
        title=exercise.title,
        submission=path.name,
        student=student,
        score=sum(c.score for c in checks),
        max_score=sum(c.max_score for c in checks),
        checks=checks,
        bugs_found=found,
        bugs_possible=possible,
        errors=errors,
        notes=notes,
        isolation=isolation,
        timings={k: round(v, 3) for k, v in timings.items()},
        submission_sha256=digest,
        grader_version=__version__,
    )


# ---- a class folder -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassEntry:
    """One file to grade in a class folder."""

    student: str
    exercise_id: str
    path: Path


def find_submissions(folder: Path, course: Course, exercise_id: str | None = None
                     ) -> tuple[list[ClassEntry], list[str]]:
    """The files of a class folder, and warnings about files that were skipped.

    Layouts: ``<student>/<exercise_id>.{py,ipynb,zip}`` (one folder per
    student), or, with ``exercise_id`` given, ``<student>.{py,ipynb,zip}``.
    """
    known = set(course.ids())
    entries: list[ClassEntry] = []
    warnings: list[str] = []
    for item in sorted(folder.iterdir()):
        if item.name.startswith("."):
            continue
        if item.is_dir():
            for file in sorted(item.iterdir()):
                if file.name.startswith(".") or not file.is_file():
                    continue
                stem = file.stem if file.suffix.lower() in SUBMISSION_SUFFIXES else None
                if stem in known and (exercise_id is None or stem == exercise_id):
                    entries.append(ClassEntry(item.name, stem, file))
                elif exercise_id is None:
                    warnings.append(f"{item.name}/{file.name}: not named after an exercise; skipped")
        elif exercise_id is not None and item.suffix.lower() in SUBMISSION_SUFFIXES:
            entries.append(ClassEntry(item.stem, exercise_id, item))
        elif item.suffix.lower() in SUBMISSION_SUFFIXES:  # a README or a roster beside the folders is fine
            warnings.append(f"{item.name}: a file outside any student folder; use --exercise ID "
                            "to grade a flat folder")
    return entries, warnings


def grade_class(entries: list[ClassEntry], course: Course,
                on_result: Callable[[ClassEntry, PairResult], None] | None = None) -> Iterator[PairResult]:
    """Grade every entry in turn; one broken submission never stops the others."""
    exercises = {i: course.get(i) for i in sorted({e.exercise_id for e in entries})}
    for entry in entries:
        result = grade_file(exercises[entry.exercise_id], entry.path, entry.student)
        if on_result is not None:
            on_result(entry, result)
        yield result
