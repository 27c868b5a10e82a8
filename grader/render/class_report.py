"""The files of a class run: results.jsonl, gradebook.csv, feedback/<student>.txt, a summary.

``results.jsonl`` grows by one line per graded pair as soon as it is graded,
so an interrupted run keeps everything graded so far. The gradebook, the
feedback files and the summary are written at the end from the same results.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from ..results import PairResult
from . import csv_gradebook, terminal


class ClassReport:
    """Collects the results of a class run and writes its files."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.results: list[PairResult] = []
        (out / "feedback").mkdir(parents=True, exist_ok=True)
        self._jsonl = (out / "results.jsonl").open("w", encoding="utf-8")

    def add(self, result: PairResult) -> None:
        self.results.append(result)
        self._jsonl.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        self._jsonl.flush()

    def finish(self, stream: TextIO) -> None:
        self._jsonl.close()
        with (self.out / "gradebook.csv").open("w", encoding="utf-8", newline="") as f:
            csv_gradebook.write(self.results, f)
        by_student: dict[str, list[PairResult]] = {}
        for result in self.results:
            by_student.setdefault(result.student or result.submission, []).append(result)
        for student, results in by_student.items():
            with (self.out / "feedback" / f"{_safe_name(student)}.txt").open("w", encoding="utf-8") as f:
                terminal.write(results, f, color=False, width=100)
        write_summary(self.results, stream)


def write_summary(results: list[PairResult], stream: TextIO) -> None:
    """Score distribution per exercise and the most frequent known bugs."""
    console = Console(file=stream, highlight=False, width=max(Console(file=stream).width, 100))
    table = Table(title="Class summary (scores in %)", header_style="bold")
    table.add_column("exercise", no_wrap=True)
    for column in ("graded", "mean", "median", "min", "max", "full marks", "with errors"):
        table.add_column(column, justify="right")
    for exercise in sorted({r.exercise for r in results}):
        rows = [r for r in results if r.exercise == exercise]
        percents = [100 * r.fraction for r in rows]
        table.add_row(exercise, str(len(rows)), f"{statistics.mean(percents):.1f}",
                      f"{statistics.median(percents):.1f}", f"{min(percents):.0f}", f"{max(percents):.0f}",
                      str(sum(r.score == r.max_score for r in rows)), str(sum(bool(r.errors) for r in rows)))
    console.print(table)
    bugs = Counter((r.exercise, b.id, b.title) for r in results for b in r.bugs_found)
    bugs.update((r.exercise, " or ".join(b.id for b in p.bugs), "one of these")
                for r in results for p in r.bugs_possible)
    if bugs:
        console.print("[bold]Most frequent known bugs (found on evidence)[/]")
        for (exercise, bug_id, title), count in bugs.most_common(10):
            console.print(f"  {count:>3} × {exercise} / {bug_id}: {title}")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100] or "student"
