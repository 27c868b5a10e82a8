"""Grading many pairs at once: every slot of the pool busy, results as they complete, a self-check around.

One broken submission never stops the others: whatever goes wrong with a pair
becomes that pair's error line. With a :class:`~grader.store.Store`, a pair
whose submission, exercise and grader version were graded before is taken
from the store instead of graded again, and every new result is stored the
moment it exists, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from . import __version__, engine, selfcheck
from . import submission as submissions
from .discovery import ClassEntry
from .errors import GraderError, SelfCheckError, SubmissionError
from .exercise import Course, Exercise
from .results import PairResult
from .sandbox import Pool
from .store import Key, Store
from .submission import Submission


@dataclass(frozen=True, slots=True)
class Graded:
    """One pair of the batch, graded now or taken from the store."""

    entry: ClassEntry
    result: PairResult
    reused: bool = False
    """Taken from the store: this submission, exercise version and grader version were graded before."""
    previous: PairResult | None = None
    """The student's latest result for this exercise before this run, if this run changed the score."""


@dataclass(frozen=True, slots=True)
class Pair:
    entry: ClassEntry
    exercise: Exercise
    key: Key
    submission: Submission | None
    problem: str = ""


def grade_many(entries: Sequence[ClassEntry], course: Course, pool: Pool, *, store: Store | None = None,
               force: bool = False) -> Iterator[Graded]:
    """Grade every entry on every slot of ``pool``, yielding results as they complete.

    ``force`` grades again what the store already has. Before the first pair
    that needs grading and after the last, the pool proves itself on each
    exercise's reference solution and one mutant (:mod:`selfcheck`); if it
    cannot, nobody is graded.
    """
    exercises = {i: course.get(i) for i in sorted({e.exercise_id for e in entries})}
    digests = {i: exercise.digest() for i, exercise in exercises.items()}
    todo: list[Pair] = []
    for entry in entries:
        pair = plan_pair(entry, exercises[entry.exercise_id], digests[entry.exercise_id])
        found = store.get(pair.key) if store is not None and not force else None
        if found is not None:
            yield Graded(entry, found, reused=True)
        else:
            todo.append(pair)
    if not todo:
        return
    needed = {p.exercise.id: p.exercise for p in todo}.values()
    pool.prepare({e.preload for e in needed})
    selfcheck.prove(needed, pool, "before grading")
    graded: list[Key] = []
    with ThreadPoolExecutor(max_workers=pool.jobs) as executor:
        pending: dict[Future[PairResult], Pair] = {executor.submit(_grade, pair, pool): pair for pair in todo}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                pair = pending.pop(future)
                graded.append(pair.key)
                yield keep(pair, future.result(), store, force)
    prove_after(needed, pool, store, graded)


def prove_after(exercises: Iterable[Exercise], pool: Pool, store: Store | None, graded: Sequence[Key]) -> None:
    """The closing self-check; if it fails, this run's results were graded on a broken environment: they are
    withdrawn from the store (never reused by a later run) before the error is raised."""
    try:
        selfcheck.prove(exercises, pool, "after grading")
    except SelfCheckError as e:
        withdrawn = store.withdraw(graded) if store is not None else 0
        raise SelfCheckError(f"{e}; the {withdrawn} result(s) of this run were withdrawn from the store") from None


def plan_pair(entry: ClassEntry, exercise: Exercise, digest: str) -> Pair:
    """The pair's key: the submission is read here (cheap) so that an unchanged one is never graded twice."""
    try:
        submission = submissions.load(entry.path, exercise.id)
        sha, problem = submission.digest, ""
    except SubmissionError as e:
        submission, problem = None, str(e)
        sha = "unreadable:" + _file_sha(entry)
    return Pair(entry, exercise, Key(entry.student, exercise.id, sha, digest, __version__), submission, problem)


def _grade(pair: Pair, pool: Pool) -> PairResult:
    entry, exercise = pair.entry, pair.exercise
    if pair.submission is None:
        return engine.unreadable(exercise, entry.path, pair.problem, entry.student)
    try:
        return engine.grade(exercise, pair.submission, pool, entry.student)
    except GraderError as e:  # this pair could not be graded: say why, go on with the others
        return engine.unreadable(exercise, entry.path, str(e), entry.student)
    except Exception as e:  # noqa: BLE001 - a grader bug must not cost the rest of the class their grades
        return engine.unreadable(exercise, entry.path, f"internal error while grading: {type(e).__name__}: {e}",
                                 entry.student)


def keep(pair: Pair, result: PairResult, store: Store | None, force: bool = False) -> Graded:
    previous = None
    if store is not None:
        history = store.history(pair.entry.student, pair.exercise.id)
        if history and history[-1].result.score != result.score:
            previous = history[-1].result
        # a forced re-grade replaces the stored result, keeping the old one as superseded if they differ
        store.put(pair.key, result, str(pair.entry.path), pair.entry.submitted_at, late=pair.entry.late,
                  replace=force)
    return Graded(pair.entry, result, previous=previous)


def _file_sha(entry: ClassEntry) -> str:
    try:
        return hashlib.sha256(entry.path.read_bytes()).hexdigest()
    except OSError:
        return "missing"
