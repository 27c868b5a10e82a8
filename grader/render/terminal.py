"""The terminal report (rich): a table of checks, then what to fix, then known bugs.

Written for the student: every failed check says what was expected and what
the code did; every known bug still present is named and explained. Worker
output appears only under public checks (hidden checks could leak through it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..results import CheckResult, PairResult

_STYLE = {"passed": "green", "failed": "red", "error": "magenta", "missing": "yellow"}
_SYMBOL = {"passed": "✓", "failed": "✗", "error": "!", "missing": "?"}


def write(results: Sequence[PairResult], stream: TextIO, *, color: bool | None = None, width: int | None = None
          ) -> None:
    console = Console(file=stream, force_terminal=color, no_color=color is False, width=width,
                      highlight=False, soft_wrap=False)
    for result in results:
        console.print(render(result))


def render(result: PairResult) -> Panel:
    """One result as a rich renderable."""
    parts: list = [_header(result)]
    if result.errors:
        parts.append(Text("\nProblems", style="bold red"))
        parts.extend(Padding(Text(f"• {line}"), (0, 0, 0, 2)) for line in result.errors)
    parts.append(Text(""))
    parts.append(_table(result.checks))
    failed = [c for c in result.checks if c.outcome != "passed" and not c.cause]
    blocked = [c for c in result.checks if c.cause == "import"]
    if failed or blocked:
        parts.append(Text("\nWhat to fix", style="bold"))
        if blocked:
            parts.append(Padding(Text(f"✗ {len(blocked)} check{'s' if len(blocked) > 1 else ''} could not run "
                                      "because your file could not be imported (see Problems above).",
                                      style="red"), (0, 0, 0, 2)))
        for check in failed:
            line = Text(f"{_SYMBOL[check.outcome]} {check.title}", style=_STYLE[check.outcome])
            parts.append(Padding(line, (0, 0, 0, 2)))
            parts.append(Padding(Text(check.message), (0, 0, 0, 4)))
    if result.bugs_found or result.bugs_possible:
        # Named only on evidence: a check saw this bug's symptom (see grader/diagnosis.py).
        parts.append(Text("\nKnown bugs of the original snippet found in your code", style="bold red"))
        for bug in result.bugs_found:
            parts.append(Text.from_markup(f"  • [bold]{escape(bug.title)}[/] ({escape(bug.id)}; seen by "
                                          f"{len(bug.checks)} check{'s' if len(bug.checks) > 1 else ''})"))
            parts.append(Padding(Text(bug.explanation), (0, 0, 0, 4)))
        for group in result.bugs_possible:
            parts.append(Text.from_markup("  • [bold]One of these[/] (the checks cannot tell which):"))
            for bug in group.bugs:
                parts.append(Padding(Text.from_markup(f"– [bold]{escape(bug.title)}[/] ({escape(bug.id)})"),
                                     (0, 0, 0, 4)))
                parts.append(Padding(Text(bug.explanation), (0, 0, 0, 6)))
    outputs = [c for c in result.checks if c.public and c.output.strip()]
    for check in outputs:
        parts.append(Text(f"\nOutput of your code during public check '{check.title}':", style="dim"))
        parts.append(Text(_indent(check.output.rstrip()[:2000]), style="dim"))
    if result.notes:
        parts.append(Text("\nNotes", style="bold"))
        parts.extend(Text(f"  • {note}", style="dim") for note in result.notes)
    parts.append(Text(f"\nIsolation: {result.isolation}", style="dim"))
    title = f"{result.exercise} — {result.title}"
    return Panel(Group(*parts), title=escape(title), title_align="left", expand=False)


def _header(result: PairResult) -> Text:
    who = f"{result.student}: " if result.student else ""
    style = "green" if result.score == result.max_score else ("yellow" if result.score else "red")
    text = Text(f"{who}{result.submission}   score ")
    text.append(f"{_n(result.score)}/{_n(result.max_score)}", style=f"bold {style}")
    passed = sum(c.outcome == "passed" for c in result.checks)
    text.append(f"   ({passed} of {len(result.checks)} checks passed)")
    return text


def _table(checks: Sequence[CheckResult]) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("", width=1)
    table.add_column("Check")
    table.add_column("Points", justify="right")
    table.add_column("Known bug seen")
    for check in checks:
        label = check.title + (" [public]" if check.public else "")
        table.add_row(
            Text(_SYMBOL[check.outcome], style=_STYLE[check.outcome]),
            Text(label),
            f"{_n(check.score)}/{_n(check.max_score)}",
            " or ".join(check.evidence),
        )
    return table


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
