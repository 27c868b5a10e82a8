"""The similarity report in Markdown: per exercise, the most alike pairs, their matching regions side by side.

The regions are shown as a two-column HTML table inside the Markdown (GitHub
and most viewers render it), every character of the students' code escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from itertools import groupby

from ..similarity import THRESHOLD, SimilarPair

MAX_PAIRS = 25
"""Pairs shown per exercise (the most alike)."""
MAX_LINES = 40
"""Lines of each region shown."""
INTRO = ("Pairs of students whose submissions for one exercise are alike after names, comments and formatting are "
         "normalised and the stub's own code is removed (winnowing fingerprints, as MOSS computes them, by "
         "copydetect). A pair is listed when at least {threshold:.0%} of one student's own code is also in the "
         "other's. This is a list of pairs to look at, not a verdict, and it changes no score.")


def write(pairs: Sequence[SimilarPair], compared: dict[str, int], *, threshold: float = THRESHOLD) -> str:
    """The whole report; ``compared`` is how many submissions were compared per exercise."""
    lines = ["# Similarity report", "", INTRO.format(threshold=threshold), ""]
    by_exercise = {e: list(p) for e, p in groupby(sorted(pairs, key=lambda p: p.exercise), key=lambda p: p.exercise)}
    for exercise in sorted(compared):
        found = by_exercise.get(exercise, [])
        lines.append(f"## `{exercise}`: {len(found)} pair{'s' if len(found) != 1 else ''} among "
                     f"{compared[exercise]} submissions")
        lines.append("")
        for number, pair in enumerate(found[:MAX_PAIRS], start=1):
            lines.extend(_pair(number, pair))
        if len(found) > MAX_PAIRS:
            lines.append(f"*{len(found) - MAX_PAIRS} less alike pairs left out.*\n")
    return "\n".join(lines) + "\n"


def summary_lines(pairs: Sequence[SimilarPair], limit: int = 10) -> list[str]:
    """One line per pair, most alike first (for the class summary)."""
    return [f"{p.exercise}: {p.a} ↔ {p.b}: {p.a_share:.0%} of {p.a}'s code, {p.b_share:.0%} of {p.b}'s"
            for p in sorted(pairs, key=lambda p: (-p.score, p.exercise))[:limit]]


def _pair(number: int, pair: SimilarPair) -> list[str]:
    a, b = html.escape(pair.a), html.escape(pair.b)
    lines = [f"### {number}. {_md(pair.a)} ↔ {_md(pair.b)}: {pair.a_share:.0%} of {_md(pair.a)}'s code, "
             f"{pair.b_share:.0%} of {_md(pair.b)}'s ({pair.shared} normalised characters in common)", "",
             "<table>"]
    for region in pair.regions:
        lines.append(f"<tr><th>{a}, lines {region.a_lines[0]}–{region.a_lines[1]}</th>"
                     f"<th>{b}, lines {region.b_lines[0]}–{region.b_lines[1]}</th></tr>")
        lines.append(f"<tr><td><pre>{_code(region.a_text)}</pre></td><td><pre>{_code(region.b_text)}</pre></td></tr>")
    lines.extend(["</table>", ""])
    return lines


def _code(text: str) -> str:
    lines = text.splitlines()
    shown = lines[:MAX_LINES] + ([f"… {len(lines) - MAX_LINES} more lines"] if len(lines) > MAX_LINES else [])
    return html.escape("\n".join(shown)).replace("\n", "&#10;")


def _md(text: str) -> str:
    return html.escape(" ".join(text.split())).replace("|", "&#124;").replace("*", "&#42;").replace("_", "&#95;")
