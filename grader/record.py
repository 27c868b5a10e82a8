"""What came back from running one submission: observations, never verdicts.

The supervisor (``sandbox/supervisor.py``) builds a :class:`RunRecord`; the
judge reads it; the reference cache stores the reference solution's as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from . import wire

Exit = Literal["ok", "crash", "timeout", "budget", "cpu", "protocol"]
"""How the last worker of the run ended: it finished every case, crashed, had a case time out, ran out of the
submission's total time budget, hit its CPU limit, or broke the protocol."""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Every observation of one run of a submission, by case key (see ``probing.case_key``)."""

    plan: tuple[str, ...]
    """Every case key, the import first: taken from the exercise's probes in the trusted process."""
    observations: dict[str, Any]
    """Encoded value (see ``wire``) or :class:`wire.ProbeError`, by case key. A key of the plan that is absent
    never ran."""
    exit: Exit
    incidents: tuple[str, ...]
    """One line per thing that went wrong (timeouts, crashes, the budget, protocol errors), said once."""
    isolation: str
    """The isolation that was in force, as one line for reports."""
    outputs: dict[str, str] = field(default_factory=dict)
    """What the worker printed while each case ran (capped, cleaned); may carry anything it read."""
    seconds: float = 0.0
    workers: int = 1
    """How many worker processes the run took (a hang or crash costs one restart)."""
    case_seconds: dict[str, float] = field(default_factory=dict)
    """How long each case ran, as the worker measured it (its deadline for one that timed out): statistics only."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": list(self.plan),
            "observations": {k: {"error": v.to_dict()} if isinstance(v, wire.ProbeError) else {"value": v}
                             for k, v in self.observations.items()},
            "exit": self.exit, "incidents": list(self.incidents), "isolation": self.isolation,
            "outputs": self.outputs, "seconds": self.seconds, "workers": self.workers,
            "case_seconds": self.case_seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        observations = {k: wire.ProbeError.from_dict(v["error"]) if "error" in v else v["value"]
                        for k, v in data["observations"].items()}
        return cls(tuple(data["plan"]), observations, data["exit"], tuple(data["incidents"]), data["isolation"],
                   data["outputs"], data["seconds"], data["workers"], dict(data.get("case_seconds", {})))
