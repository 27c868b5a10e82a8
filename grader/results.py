"""The result model: one graded (submission, exercise) pair and its checks.

Plain frozen dataclasses with ``to_dict``/``from_dict``; every output format
(terminal, JSON, CSV, feedback files) is a renderer of these, in ``render/``.
The JSON form is documented in ``docs/results.md`` and versioned by
``SCHEMA_VERSION``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1
Outcome = Literal["passed", "failed", "error", "missing"]
OUTCOMES: tuple[str, ...] = ("passed", "failed", "error", "missing")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of one check. Only ``passed`` earns points."""

    id: str
    title: str
    score: float
    max_score: float
    outcome: Outcome
    message: str
    """For the student: what was expected and what the code did. Empty when passed."""
    known_bugs: tuple[str, ...] = ()
    """Ids of the known bugs this check exists to catch."""
    public: bool = False
    seconds: float = 0.0
    output: str = ""
    """What the student's code printed for this check (public checks only)."""
    cause: str = ""
    """``"import"`` when the check could not run because the submission failed to import."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["known_bug"] = self.known_bugs[0] if self.known_bugs else None
        data["known_bugs"] = list(self.known_bugs)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["known_bugs"] = tuple(data.get("known_bugs", ()))
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class BugFinding:
    """A known bug that the submission still has: at least one of its checks failed."""

    id: str
    title: str
    explanation: str
    checks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PairResult:
    """One submission graded against one exercise."""

    exercise: str
    title: str
    submission: str
    """The submitted file's name (not its full path: reports travel)."""
    student: str | None
    score: float
    max_score: float
    checks: tuple[CheckResult, ...]
    bugs_found: tuple[BugFinding, ...] = ()
    errors: tuple[str, ...] = ()
    """One line each: why the submission could not be read or ran badly."""
    notes: tuple[str, ...] = ()
    """Harmless changes made on the way in (dropped notebook magics, ...)."""
    isolation: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    submission_sha256: str = ""
    grader_version: str = ""

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "exercise": self.exercise,
            "title": self.title,
            "submission": self.submission,
            "student": self.student,
            "score": self.score,
            "max_score": self.max_score,
            "checks": [c.to_dict() for c in self.checks],
            "bugs_found": [asdict(b) | {"checks": list(b.checks)} for b in self.bugs_found],
            "errors": list(self.errors),
            "notes": list(self.notes),
            "isolation": self.isolation,
            "timings": dict(self.timings),
            "submission_sha256": self.submission_sha256,
            "grader_version": self.grader_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PairResult:
        return cls(
            exercise=data["exercise"],
            title=data["title"],
            submission=data["submission"],
            student=data.get("student"),
            score=data["score"],
            max_score=data["max_score"],
            checks=tuple(CheckResult.from_dict(c) for c in data["checks"]),
            bugs_found=tuple(BugFinding(b["id"], b["title"], b["explanation"], tuple(b["checks"]))
                             for b in data.get("bugs_found", ())),
            errors=tuple(data.get("errors", ())),
            notes=tuple(data.get("notes", ())),
            isolation=data.get("isolation", ""),
            timings=dict(data.get("timings", {})),
            submission_sha256=data.get("submission_sha256", ""),
            grader_version=data.get("grader_version", ""),
        )
