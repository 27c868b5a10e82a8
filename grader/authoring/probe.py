"""``grader probe ID FILE``: what the probes observe for a file, as an author reads it.

The author's quick loop: write a probe, run it on the solution, a mutant or a student's file, and see the
plain data the checks will get (arrays summarised, markers named) before writing the check. The file runs
in the sandbox like any submission; nothing is judged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import wire
from ..record import RunRecord


@dataclass(frozen=True, slots=True)
class Observed:
    """One probe case as an author reads it."""

    key: str
    """The case key: probe name and arguments (``forward{"n":2}``)."""
    text: str
    """The decoded observation, pretty-printed, or what was raised, or why nothing came back."""
    output: str = ""
    """What the code printed during the case."""
    seconds: float | None = None
    """How long the case ran, as the worker measured it."""


def observations(record: RunRecord, case: str | None = None) -> list[Observed]:
    """Every case of ``record`` in plan order (only those of probe ``case``, or the one case key ``case``)."""
    found = []
    for key in record.plan:
        name = key.split("{", 1)[0]
        if case is not None and case not in (name, key):
            continue
        if key not in record.observations:
            found.append(Observed(key, "(nothing came back: the case never ran)"))
            continue
        value = record.observations[key]
        if isinstance(value, wire.ProbeError):
            text = f"{value.kind}: {value.type + ': ' if value.type else ''}{value.message}"
        else:
            text = pretty(wire.decode(value))
        found.append(Observed(key, text, record.outputs.get(key, ""), record.case_seconds.get(key)))
    return found


def pretty(value: Any, indent: int = 0) -> str:
    """A decoded observation as indented text, arrays summarised (shape, dtype, range, first values)."""
    from ..checking import describe

    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "\n".join(f"{pad}{json.dumps(k)}: " + _nested(v, indent) for k, v in value.items())
    if isinstance(value, list):
        if all(isinstance(v, (int, float, str, bool)) or v is None for v in value) and len(value) <= 12:
            return json.dumps(value, default=str)
        return "\n".join(f"{pad}- " + _nested(v, indent) for v in value)
    if type(value).__module__ == "numpy":
        return describe(value)
    return json.dumps(value, default=str) if isinstance(value, (str, int, float, bool)) or value is None \
        else repr(value)


def _nested(value: Any, indent: int) -> str:
    text = pretty(value, indent + 1)
    return ("\n" + text) if isinstance(value, (dict, list)) and "\n" in text else text.strip()
