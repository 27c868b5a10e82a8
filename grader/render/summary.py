"""The class summary, in the terminal (rich) and in Markdown, from one :class:`ClassSummary`.

Score distribution per exercise, the most frequent known bugs, the pairs that
errored or timed out and why, the scores a regrade changed and which checks
moved them, the most alike pairs of the similarity report, what the class
folder held that was not graded, and the time the run took.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..history import Change
from ..results import PairResult
from ..similarity import SimilarPair
from . import markdown
from . import similarity as similarity_report

BUCKETS = ("0–19", "20–39", "40–59", "60–79", "80–99", "100")


@dataclass(frozen=True, slots=True)
class ClassSummary:
    """What a class run did and found."""

    results: tuple[PairResult, ...]
    """The results that count (one per student and exercise)."""
    problems: tuple[PairResult, ...] = ()
    """Results with errors: unreadable, crashed, timed out."""
    changes: tuple[Change, ...] = ()
    similar: tuple[SimilarPair, ...] = ()
    seconds: float = 0.0
    graded: int = 0
    """Pairs graded by this run."""
    reused: int = 0
    """Pairs taken from the store unchanged."""
    layouts: dict[str, int] = field(default_factory=dict)
    not_graded: tuple[str, ...] = ()
    """One line per file of the folder that was not graded, or conflict."""
    stale: int = 0
    """Results graded with an older version of their exercise (their file is not in the folder any more)."""
    selection: str = "latest"


def histogram(results: Sequence[PairResult]) -> list[int]:
    """How many results fall in each :data:`BUCKETS` range of percent."""
    counts = [0] * len(BUCKETS)
    for r in results:
        percent = 100 * r.fraction
        counts[5 if percent >= 100 else min(4, int(percent // 20))] += 1
    return counts


def terminal(summary: ClassSummary, stream: TextIO) -> None:
    console = Console(file=stream, highlight=False, width=max(Console(file=stream).width, 100))
    results = summary.results
    table = Table(title="Class summary (scores in %)", header_style="bold")
    table.add_column("exercise", no_wrap=True)
    for column in ("graded", "mean", "median", "min", "max", "full", "errors"):
        table.add_column(column, justify="right", min_width=len(column))
    table.add_column("0 20 40 60 80 100 %", no_wrap=True)
    for exercise in sorted({r.exercise for r in results}):
        rows = [r for r in results if r.exercise == exercise]
        percents = [100 * r.fraction for r in rows]
        table.add_row(exercise, str(len(rows)), f"{statistics.mean(percents):.1f}",
                      f"{statistics.median(percents):.1f}", f"{min(percents):.0f}", f"{max(percents):.0f}",
                      str(sum(r.score == r.max_score for r in rows)), str(sum(bool(r.errors) for r in rows)),
                      " ".join(f"{n:>2}" for n in histogram(rows)))
    table.caption = "full: full marks; errors: unreadable, crashed or timed out; last column: results per 20 % band"
    console.print(table)
    frequency = markdown.bug_frequency(results)
    if frequency:
        console.print("[bold]Most frequent known bugs (found on evidence)[/]")
        for (exercise, bug_id, title), count in frequency[:10]:
            console.print(f"  {count:>3} × {escape(exercise)} / {escape(bug_id)}: {escape(title)}", soft_wrap=True)
    for heading, lines in _sections(summary):
        console.print(f"[bold]{escape(heading)}[/]")
        for line in lines[:15]:
            console.print(f"  {escape(line)}", soft_wrap=True)
        if len(lines) > 15:
            console.print(f"  … and {len(lines) - 15} more (see summary.md)")
    console.print(_facts(summary), soft_wrap=True)


def markdown_file(summary: ClassSummary) -> str:
    """``summary.md``: the run's facts, the distribution, bugs and students (markdown.class_summary), then ours."""
    parts = ["# Class run\n\n", f"{_md(_facts(summary))}\n\n"]
    parts.append(markdown.class_summary(summary.results, limit=markdown.MAX_BYTES // 2))
    parts.append("\n### Score distribution (% of the exercise's points)\n\n")
    parts.append("| exercise | " + " | ".join(BUCKETS) + " |\n|---|" + "--:|" * len(BUCKETS) + "\n")
    for exercise in sorted({r.exercise for r in summary.results}):
        counts = histogram([r for r in summary.results if r.exercise == exercise])
        parts.append(f"| `{exercise}` | " + " | ".join(str(n) for n in counts) + " |\n")
    for heading, lines in _sections(summary):
        parts.append(f"\n### {heading}\n\n")
        parts.extend(f"- {_md(line)}\n" for line in lines[:500])
        if len(lines) > 500:
            parts.append(f"- … and {len(lines) - 500} more\n")
    return "".join(parts)


def _sections(summary: ClassSummary) -> list[tuple[str, list[str]]]:
    sections = []
    if summary.problems:
        sections.append(("Pairs that errored, crashed or timed out", [
            f"{r.student} / {r.exercise} ({r.submission}): {r.errors[0]}" for r in summary.problems]))
    if summary.changes:
        sections.append(("Scores changed by this run (regrades; `grader history STUDENT` has the full trace)",
                         [c.line() for c in summary.changes]))
    if summary.similar:
        sections.append(("Most alike submissions (similarity.md shows the matching code)",
                         similarity_report.summary_lines(summary.similar)))
    if summary.not_graded:
        sections.append(("Not graded from the class folder", list(summary.not_graded)))
    return sections


def _facts(summary: ClassSummary) -> str:
    students = len({r.student for r in summary.results})
    layouts = ", ".join(f"{name} {n}" for name, n in sorted(summary.layouts.items())) or "none"
    minutes, seconds = divmod(round(summary.seconds), 60)
    took = f"{minutes} min {seconds} s" if minutes else f"{summary.seconds:.1f} s"
    stale = (f"; {summary.stale} result{'s' if summary.stale != 1 else ''} graded with an older exercise version"
             if summary.stale else "")
    return (f"{students} students, {len(summary.results)} results ({summary.selection} submission per exercise); "
            f"{summary.graded} graded now, {summary.reused} unchanged (from the store); layouts: {layouts}; "
            f"the run took {took}{stale}.")


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
