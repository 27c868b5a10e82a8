"""The result model: one graded (submission, exercise) pair and its checks.

Plain frozen dataclasses with ``to_dict``/``from_dict``; every output format
(terminal, JSON, CSV, feedback files) is a renderer of these, in ``render/``.
The JSON form is documented in ``docs/results.md`` and versioned by
``SCHEMA_VERSION``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 2
Outcome = Literal["passed", "failed", "error", "missing"]
OUTCOMES: tuple[str, ...] = ("passed", "failed", "error", "missing")
Cause = Literal["", "import", "unreadable"]
"""Why a check could not judge the code at all: "" (it could), the import failed, the file was unreadable."""
Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]
"""Who may see a check's result (its ``visibility`` mark, or the course's override): everything (``visible``);
its title and points but not its message (``hidden``); nothing until the due date has passed
(``after_due_date``) or the instructor has published the grades (``after_published``). The names are
Gradescope's. The instructor's report always shows everything."""
VISIBILITIES: tuple[str, ...] = ("visible", "hidden", "after_due_date", "after_published")


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
    guards: tuple[str, ...] = ()
    """Ids of the known bugs this check exists to catch (its ``bug`` marks), whatever the outcome."""
    evidence: tuple[str, ...] = ()
    """The known bug whose symptom this check saw when it failed; several ids mean "one of these"."""
    public: bool = False
    seconds: float = 0.0
    output: str = ""
    """What the student's code printed for this check (public checks only)."""
    cause: Cause = ""
    visibility: Visibility = "visible"
    """What a student may see of this result; see :data:`Visibility`."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["guards"] = list(self.guards)
        data["evidence"] = list(self.evidence)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["guards"] = tuple(data.get("guards", ()))
        fields["evidence"] = tuple(data.get("evidence", ()))
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class BugFinding:
    """A known bug the submission still has: a check saw its symptom."""

    id: str
    title: str
    explanation: str
    checks: tuple[str, ...]
    """The checks whose observations showed it."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"checks": list(self.checks)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BugFinding:
        return cls(data["id"], data["title"], data["explanation"], tuple(data["checks"]))


@dataclass(frozen=True, slots=True)
class PossibleBugs:
    """A symptom that only these known bugs produce, where the evidence cannot tell which: "one of"."""

    bugs: tuple[BugFinding, ...]
    """The candidates (each with the same ``checks``)."""
    checks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"one_of": [{"id": b.id, "title": b.title, "explanation": b.explanation} for b in self.bugs],
                "checks": list(self.checks)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PossibleBugs:
        checks = tuple(data["checks"])
        return cls(tuple(BugFinding(b["id"], b["title"], b["explanation"], checks) for b in data["one_of"]), checks)


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
    """Known bugs a check saw the symptom of (evidence, never a tag alone)."""
    bugs_possible: tuple[PossibleBugs, ...] = ()
    """Symptoms shared by several known bugs that the evidence cannot tell apart."""
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
            "bugs_found": [b.to_dict() for b in self.bugs_found],
            "bugs_possible": [p.to_dict() for p in self.bugs_possible],
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
            bugs_found=tuple(BugFinding.from_dict(b) for b in data.get("bugs_found", ())),
            bugs_possible=tuple(PossibleBugs.from_dict(p) for p in data.get("bugs_possible", ())),
            errors=tuple(data.get("errors", ())),
            notes=tuple(data.get("notes", ())),
            isolation=data.get("isolation", ""),
            timings=dict(data.get("timings", {})),
            submission_sha256=data.get("submission_sha256", ""),
            grader_version=data.get("grader_version", ""),
        )
