"""Every batch proves its own environment: the reference solution and one mutant, graded in the same pool.

A memory limit that is wrong for a forked worker, a framework that hangs after
a fork, a sandbox that hides a file the probes need: each of these makes every
answer score 0 while every other signal looks clean. So before the first
student and after the last, each exercise of the batch grades its reference
solution (full marks, no bug named) and one mutant (its bug's checks fail and
the report names that bug) with the same pool and limits. If either verdict is
wrong, the run stops loudly and nobody is graded on a broken environment.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import engine
from .errors import SelfCheckError
from .exercise import Exercise
from .sandbox import Pool


def prove(exercises: Iterable[Exercise], pool: Pool, when: str) -> None:
    """Raise :class:`SelfCheckError` unless every exercise's solution and first mutant get the right verdict."""
    problems = []
    for exercise in exercises:
        problems.extend(f"{exercise.id}: {p}" for p in _problems(exercise, pool))
    if problems:
        raise SelfCheckError(f"self-check {when} failed, so nobody was graded: " + "; ".join(problems[:5]))


def _problems(exercise: Exercise, pool: Pool) -> list[str]:
    problems = []
    if exercise.solution is not None:
        solution = engine.grade_file(exercise, exercise.solution, pool)
        if solution.score != solution.max_score:
            failed = [c.id for c in solution.checks if c.outcome != "passed"]
            problems.append(f"the reference solution scored {solution.score:g}/{solution.max_score:g} "
                            f"(failed {', '.join(failed[:4])}; {'; '.join(solution.errors)[:200]})")
        elif solution.bugs_found or solution.bugs_possible:
            problems.append("the reference solution was told it has a known bug")
    for bug_id, path in sorted(exercise.mutants.items())[:1]:
        mutant = engine.grade_file(exercise, path, pool)
        guarded = [c for c in mutant.checks if bug_id in c.guards]
        if any(c.outcome == "passed" for c in guarded) or bug_id not in {b.id for b in mutant.bugs_found}:
            problems.append(f"the mutant '{bug_id}' was not caught as it should be")
    return problems
