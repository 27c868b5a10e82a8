"""Gradescope's ``results.json`` (the autograder specification's output format).

Gradescope itself withholds a test until its ``visibility`` allows, and our
visibility names are Gradescope's, with one difference: our ``hidden`` shows a
check's title and points but not its details, which in Gradescope's terms is a
``visible`` test whose output is withheld. So a hidden check's output never
holds its message or the known bug it saw, and the submission-level
``output`` (always visible) names only what visible checks saw.

Top-level: ``score``, ``execution_time``, ``output`` (Markdown),
``output_format``, ``visibility``, ``stdout_visibility``, ``tests``,
``extra_data``. Per test: ``name``, ``number``, ``score``, ``max_score``,
``status``, ``output``, ``output_format``, ``visibility``, ``tags``,
``extra_data``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from ..results import CheckResult, PairResult
from ..wire import clean_text
from . import markdown
from .visibility import HIDDEN_MESSAGE, Policy, show


def to_data(results: Sequence[PairResult], *, policy: Policy | None = None,
            points: Mapping[str, float] | None = None, output: str = "",
            extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Gradescope's results for one submission (one or several exercises).

    :param output: text put before the summary (e.g. why nothing was graded).
    :param extra: stored with the results, never shown (``extra_data``).
    """
    policy = policy or Policy()
    results = [policy.apply(r) for r in results]
    tests = []
    names: set[str] = set()
    for number, result in enumerate(results, start=1):
        bugs = {b.id: b for b in result.bugs_found}
        for index, check in enumerate(result.checks, start=1):
            name = check.title if check.title not in names else f"{check.title} [{check.id}]"
            names.add(name)
            tests.append({
                "name": name if len(results) == 1 else f"{result.exercise}: {name}",
                "number": f"{number}.{index}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.outcome == "passed" else "failed",
                "output": _test_output(check, bugs, policy.output == "visible"),
                "output_format": "text",
                "visibility": "visible" if check.visibility == "hidden" else check.visibility,
                "tags": [result.exercise, *(f"bug:{b}" for b in check.evidence if check.visibility != "hidden")],
                "extra_data": {"check": check.id, "outcome": check.outcome, "exercise": result.exercise},
            })
    # The submission's own output is shown at once: only what is visible before any due date or publication.
    now_only = dataclasses.replace(policy, due={}, published=frozenset())
    points = points or {}
    summary = markdown.brief([show(r, "student", now_only, points=points.get(r.exercise)) for r in results])
    return {
        "score": sum(r.score for r in results),
        "execution_time": round(sum(r.timings.get("total", 0.0) for r in results), 3),
        "output": (output + "\n\n" if output else "") + summary,
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"grader_version": next((r.grader_version for r in results), ""), **(extra or {})},
    }


def write(results: Sequence[PairResult], stream: TextIO) -> None:
    """``--format gradescope``."""
    json.dump(to_data(results), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _test_output(check: CheckResult, bugs: Mapping[str, Any], with_output: bool) -> str:
    if check.visibility == "hidden":
        return HIDDEN_MESSAGE if check.outcome != "passed" else ""
    lines = [] if check.outcome == "passed" else [check.message]
    for bug_id in check.evidence:
        bug = bugs.get(bug_id)
        lines.append(f"Known bug seen: {bug.title} ({bug_id}). {bug.explanation}" if bug else
                     f"Known bug seen: {bug_id}.")
    if with_output and check.public and check.output.strip():
        lines.append("Output of your code during this public check:\n" + check.output[:4000])
    return clean_text("\n\n".join(line for line in lines if line)).rstrip()
