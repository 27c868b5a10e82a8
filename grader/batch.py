"""Grading many pairs at once: every slot of the pool busy, results as they complete, a self-check around.

One broken submission never stops the others: whatever goes wrong with a pair
becomes that pair's error line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from . import engine, selfcheck
from .discovery import ClassEntry
from .errors import GraderError
from .exercise import Course, Exercise
from .results import PairResult
from .sandbox import Pool


def grade_many(entries: Sequence[ClassEntry], course: Course, pool: Pool,
               on_result: Callable[[ClassEntry, PairResult], None] | None = None) -> Iterator[PairResult]:
    """Grade every entry on every slot of ``pool``, yielding results as they complete.

    One broken submission never stops the others: whatever goes wrong with a
    pair becomes that pair's error line. Before the first student and after
    the last, the pool proves itself on each exercise's reference solution and
    one mutant (:mod:`selfcheck`); if it cannot, nobody is graded.
    """
    exercises = {i: course.get(i) for i in sorted({e.exercise_id for e in entries})}
    pool.prepare({e.preload for e in exercises.values()})
    selfcheck.prove(exercises.values(), pool, "before grading")
    with ThreadPoolExecutor(max_workers=pool.jobs) as executor:
        pending: dict[Future[PairResult], ClassEntry] = {
            executor.submit(_grade_entry, exercises[entry.exercise_id], entry, pool): entry for entry in entries
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                entry = pending.pop(future)
                result = future.result()
                if on_result is not None:
                    on_result(entry, result)
                yield result
    selfcheck.prove(exercises.values(), pool, "after grading")


def _grade_entry(exercise: Exercise, entry: ClassEntry, pool: Pool) -> PairResult:
    try:
        return engine.grade_file(exercise, entry.path, pool, entry.student)
    except GraderError as e:  # this pair could not be graded: say why, go on with the others
        return engine.unreadable(exercise, entry.path, str(e), entry.student)
    except Exception as e:  # noqa: BLE001 - a grader bug must not cost the rest of the class their grades
        return engine.unreadable(exercise, entry.path, f"internal error while grading: {type(e).__name__}: {e}",
                          entry.student)


