"""Which known bugs a graded submission still has: named on evidence only.

A check's ``bug`` marks say which bugs it *guards*; that alone convicts
nothing, because a check that guards a whole behaviour (the model learns, the
text has the right pairs) fails for every way that behaviour can go wrong.
A bug is named only when a failing check says it saw that bug's symptom
(``checking.fail(message, bug=...)``). A check that could not run (the
import failed, the observation never arrived) saw nothing.

When a check saw a symptom that several bugs share and could not tell them
apart, the report says "one of" them, once, unless another check has already
named one of those bugs for certain.
"""

from __future__ import annotations

from collections.abc import Sequence

from .exercise import Exercise
from .results import BugFinding, CheckResult, PossibleBugs


def diagnose(exercise: Exercise, checks: Sequence[CheckResult]
             ) -> tuple[tuple[BugFinding, ...], tuple[PossibleBugs, ...]]:
    """The bugs found for certain, and the groups of which one is present but not which."""
    certain: dict[str, list[str]] = {}
    shared: dict[tuple[str, ...], list[str]] = {}
    for check in checks:
        if check.outcome == "passed" or not check.evidence:
            continue
        ids = tuple(b for b in check.evidence if exercise.bug(b) is not None)
        if len(ids) == 1:
            certain.setdefault(ids[0], []).append(check.id)
        elif ids:
            shared.setdefault(_in_manifest_order(exercise, ids), []).append(check.id)
    found = tuple(_finding(exercise, bug_id, certain[bug_id]) for bug_id in _in_manifest_order(exercise, certain))
    possible = tuple(
        PossibleBugs(tuple(_finding(exercise, b, checks_) for b in ids), tuple(checks_))
        for ids, checks_ in shared.items()
        if not set(ids) & set(certain)  # a bug named for certain already explains the shared symptom
    )
    return found, possible


def _finding(exercise: Exercise, bug_id: str, checks: Sequence[str]) -> BugFinding:
    bug = exercise.bug(bug_id)
    assert bug is not None
    return BugFinding(bug.id, bug.title, bug.explanation, tuple(checks))


def _in_manifest_order(exercise: Exercise, ids: object) -> tuple[str, ...]:
    wanted = set(ids)  # type: ignore[call-overload]
    return tuple(b.id for b in exercise.bugs if b.id in wanted)
