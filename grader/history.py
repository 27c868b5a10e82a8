"""Why a score changed: a regrade's trace, from two stored results of one student and exercise.

A score changes for three reasons, which the store's keys tell apart: a new
submission (another content hash), a changed exercise (its checks, probes or
solution: another digest), or a new grader version; a ``--force`` re-grade
of the same key can also disagree with the stored result (the old one is kept
as superseded). The checks that caused it are those whose outcome or points
differ, or that appeared or disappeared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .results import CheckResult
from .store import Stored


@dataclass(frozen=True, slots=True)
class CheckChange:
    """One check that scored differently."""

    id: str
    title: str
    before: str
    """E.g. "passed 3/3", "failed 0/3", or "absent" when the check did not exist."""
    after: str
    delta: float


@dataclass(frozen=True, slots=True)
class Change:
    """A (student, exercise) whose score moved, from what to what, and why."""

    student: str
    exercise: str
    before: float
    after: float
    max_score: float
    causes: tuple[str, ...]
    checks: tuple[CheckChange, ...]
    late: bool = False

    def line(self) -> str:
        """One line for the terminal: who, from what to what, why, and the checks that moved most."""
        checks = ", ".join(f"{c.id} {c.before} → {c.after}" for c in self.checks[:3])
        more = f" (+{len(self.checks) - 3} more)" if len(self.checks) > 3 else ""
        return (f"{self.student} / {self.exercise}: {_n(self.before)} → {_n(self.after)}/{_n(self.max_score)} "
                f"({'; '.join(self.causes)}){': ' + checks + more if checks else ''}")


def explain(old: Stored, new: Stored) -> Change:
    """How ``new`` differs from ``old`` (two results of one student and exercise)."""
    causes = []
    if old.key.submission_sha256 != new.key.submission_sha256:
        causes.append("a new submission" + (" (late)" if new.late else ""))
    if old.key.exercise_digest != new.key.exercise_digest:
        causes.append("the exercise changed (checks, probes or solution)")
    if old.key.grader_version != new.key.grader_version:
        causes.append(f"grader {old.key.grader_version} → {new.key.grader_version}")
    if not causes:
        causes.append("graded again (--force) with another outcome")
    return Change(new.key.student, new.key.exercise, old.result.score, new.result.score, new.result.max_score,
                  tuple(causes), tuple(check_changes(old.result.checks, new.result.checks)), new.late)


def check_changes(old: Iterable[CheckResult], new: Iterable[CheckResult]) -> list[CheckChange]:
    """Checks whose outcome or points differ, the biggest change in points first."""
    before = {c.id: c for c in old}
    after = {c.id: c for c in new}
    changes = []
    for check_id in sorted(before.keys() | after.keys()):
        a, b = before.get(check_id), after.get(check_id)
        if a is not None and b is not None and (a.outcome, a.score, a.max_score) == (b.outcome, b.score, b.max_score):
            continue
        changes.append(CheckChange(check_id, (b or a).title, _state(a), _state(b),  # type: ignore[union-attr]
                                   (b.score if b else 0.0) - (a.score if a else 0.0)))
    return sorted(changes, key=lambda c: (-abs(c.delta), c.id))


def regrades(before: Mapping[tuple[str, str], Stored], after: Mapping[tuple[str, str], Stored]) -> list[Change]:
    """The pairs whose counted score moved between two gradebooks (new pairs are not regrades)."""
    changes = []
    for pair, new in sorted(after.items()):
        old = before.get(pair)
        if old is not None and old.result.score != new.result.score:
            changes.append(explain(old, new))
    return changes


def _state(check: CheckResult | None) -> str:
    return "absent" if check is None else f"{check.outcome} {_n(check.score)}/{_n(check.max_score)}"


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
