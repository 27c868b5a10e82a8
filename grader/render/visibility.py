"""What a reader may see of a result: the student's view and the instructor's.

A check's ``visibility`` (its mark in the exercise, see ``results.Visibility``)
can be overridden by the course, in ``course.toml`` beside ``exercises/``::

    [visibility]                        # overrides of the checks' own marks
    toy = "after_due_date"              # every check of one exercise
    "toy::test_scaled" = "visible"      # one check (wins over its exercise's line)

    [due]                               # when after_due_date checks are released (TOML dates, UTC if no offset)
    toy = 2026-12-01T23:59:00+01:00
    "*" = 2026-12-15T23:59:00Z          # every other exercise

    [published]                         # exercises whose grades are published (after_published released)
    exercises = ["toy"]                 # or ["*"]

    [output]                            # what the student's code printed during public checks
    visibility = "hidden"               # default visible (hidden checks never show it)

:func:`show` is the one place where a student's view is made: it *removes*
what they may not see (a hidden check's message, evidence and output; a check
not released yet, whole), so that no renderer can leak it by accident. Every
student-facing renderer renders a :class:`Shown`, never the raw result.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal

from ..errors import ExerciseError
from ..results import VISIBILITIES, CheckResult, PairResult, Visibility

Audience = Literal["student", "instructor"]
AUDIENCES: tuple[str, ...] = ("student", "instructor")
POLICY_FILE = "course.toml"
HIDDEN_MESSAGE = "The details of this check are hidden."
_KEYS = {"visibility", "due", "published", "output"}


@dataclass(frozen=True, slots=True)
class Policy:
    """A course's visibility rules. The default policy shows every check as its own mark says."""

    overrides: Mapping[str, Visibility] = field(default_factory=dict)
    """By ``"exercise"`` or ``"exercise::check"``; a check's line wins over its exercise's."""
    due: Mapping[str, datetime] = field(default_factory=dict)
    """Due date by exercise id, ``"*"`` for every other exercise. No due date: after_due_date stays withheld."""
    published: frozenset[str] = frozenset()
    """Exercises whose grades are published (``"*"``: all)."""
    output: Visibility = "visible"
    """Whether a student sees what their code printed during public checks (hidden checks never show it)."""

    @classmethod
    def load(cls, course_root: Path) -> Policy:
        """Read ``course_root/course.toml``; no file is the default policy. Malformed files raise ExerciseError."""
        path = course_root / POLICY_FILE
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ExerciseError(f"{path}: not valid TOML: {e}") from None
        return cls.from_data(data, str(path))

    @classmethod
    def from_data(cls, data: dict[str, Any], where: str = POLICY_FILE) -> Policy:
        for key in data:
            if key not in _KEYS:
                near = difflib.get_close_matches(key, sorted(_KEYS), n=1)
                raise ExerciseError(f"{where}: unknown table [{key}]" + (f" (did you mean [{near[0]}]?)" if near
                                                                          else ""))
        overrides = _table(data, "visibility", where)
        for name, value in overrides.items():
            if value not in VISIBILITIES:
                raise ExerciseError(f"{where}: visibility of {name!r} must be one of {', '.join(VISIBILITIES)}")
        due = {name: _as_datetime(value, f"{where}: due date of {name!r}")
               for name, value in _table(data, "due", where).items()}
        published = _table(data, "published", where).get("exercises", [])
        if not (isinstance(published, list) and all(isinstance(p, str) for p in published)):
            raise ExerciseError(f"{where}: [published] exercises must be a list of exercise ids")
        output = _table(data, "output", where).get("visibility", "visible")
        if output not in VISIBILITIES:
            raise ExerciseError(f"{where}: [output] visibility must be one of {', '.join(VISIBILITIES)}")
        return cls(overrides, due, frozenset(published), output)

    def visibility(self, exercise: str, check: CheckResult) -> Visibility:
        """The check's visibility in this course: the course's override, else the check's own mark."""
        return self.overrides.get(f"{exercise}::{check.id}", self.overrides.get(exercise, check.visibility))

    def released(self, exercise: str, visibility: Visibility, now: datetime) -> bool:
        """Whether a student may see a check of this visibility now (``hidden`` ones: title and points only)."""
        if visibility == "after_due_date":
            due = self.due.get(exercise, self.due.get("*"))
            return due is not None and now >= due
        if visibility == "after_published":
            return exercise in self.published or "*" in self.published
        return True

    def apply(self, result: PairResult) -> PairResult:
        """``result`` with every check's visibility as this course sets it (nothing removed)."""
        checks = tuple(dataclasses.replace(c, visibility=self.visibility(result.exercise, c)) for c in result.checks)
        return dataclasses.replace(result, checks=checks)


@dataclass(frozen=True, slots=True)
class Withheld:
    """A check a student cannot see yet: its title and points, and when it will be shown."""

    title: str
    max_score: float
    until: Literal["the due date", "the grades are published"]


@dataclass(frozen=True, slots=True)
class Shown:
    """One result as its reader may see it."""

    result: PairResult
    """For a student: the released checks only (hidden ones without message, guards, evidence or output), the bugs
    that visible checks saw, and the score over the released checks. For the instructor: everything."""
    audience: Audience = "instructor"
    withheld: tuple[Withheld, ...] = ()
    """Checks graded but not shown yet (student view only)."""
    unseen_points: float = 0.0
    """Points of the exercise that no check in this copy of the course grades (a student bundle has only the
    public checks; the instructor grades the rest)."""

    @property
    def hidden(self) -> int:
        """How many shown checks have their details hidden."""
        return sum(c.visibility == "hidden" for c in self.result.checks) if self.audience == "student" else 0

    def score_line(self) -> str:
        """The score, saying honestly what it covers."""
        r = self.result
        base = f"{_n(r.score)}/{_n(r.max_score)}"
        if not (self.withheld or self.unseen_points):
            return f"score {base}"
        parts = [f"{'public checks' if self.unseen_points else 'checks graded now'}: {base}"]
        for until in ("the due date", "the grades are published"):
            some = [w for w in self.withheld if w.until == until]
            if some:
                many = len(some) > 1
                parts.append(f"{len(some)} hidden check{'s' if many else ''} ({_n(sum(w.max_score for w in some))} "
                             f"points) {'are' if many else 'is'} graded after {until}")
        if self.unseen_points:
            parts.append(f"the other {_n(self.unseen_points)} points come from hidden checks that your "
                         "instructor runs")
        return "; ".join(parts)


def show(result: PairResult, audience: Audience = "instructor", policy: Policy | None = None,
         now: datetime | None = None, *, points: float | None = None) -> Shown:
    """What ``audience`` may see of ``result`` under ``policy`` at ``now`` (default: the current time).

    :param points: the exercise's points (``exercise.points``); when they exceed the checks' total, the
        difference is reported as graded elsewhere (a student bundle holds only the public checks).
    """
    policy = policy or Policy()
    result = policy.apply(result)
    unseen = max(0.0, (points or 0.0) - result.max_score)
    if audience == "instructor":
        return Shown(result, "instructor", (), unseen)
    now = now or datetime.now(UTC)
    output_shown = policy.output != "hidden" and policy.released(result.exercise, policy.output, now)
    shown: list[CheckResult] = []
    withheld: list[Withheld] = []
    for check in result.checks:
        if not policy.released(result.exercise, check.visibility, now):
            until = "the due date" if check.visibility == "after_due_date" else "the grades are published"
            withheld.append(Withheld(check.title, check.max_score, until))
        elif check.visibility == "hidden":
            shown.append(dataclasses.replace(check, message=HIDDEN_MESSAGE if check.outcome != "passed" else "",
                                             guards=(), evidence=(), output=""))
        else:
            shown.append(dataclasses.replace(check, visibility="visible", output=check.output if output_shown else ""))
    seen = {c.id for c in shown if c.evidence}
    found = tuple(dataclasses.replace(b, checks=tuple(c for c in b.checks if c in seen))
                  for b in result.bugs_found if set(b.checks) & seen)
    possible = tuple(p for p in result.bugs_possible if set(p.checks) & seen)
    visible = dataclasses.replace(
        result, checks=tuple(shown), bugs_found=found, bugs_possible=possible,
        score=sum(c.score for c in shown), max_score=sum(c.max_score for c in shown))
    return Shown(visible, "student", tuple(withheld), unseen)


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ExerciseError(f"{where}: [{key}] must be a table")
    return value


def _as_datetime(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):  # a bare date: due at the end of that day, UTC
        return datetime.combine(value, time(23, 59, 59), UTC)
    raise ExerciseError(f"{what} must be a TOML date-time, e.g. 2026-12-01T23:59:00+01:00")


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
