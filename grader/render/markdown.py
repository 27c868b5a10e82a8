"""Markdown: a student's report (CI step summary, feedback file) and a class summary.

GitHub renders a job's step summary from Markdown and refuses one larger than
1 MiB (``MAX_BYTES``), so every document here is built within a byte budget:
the overview and the closing notes always fit, then the details of each
exercise, then table rows, until the budget runs out; what is left out is
counted in a last line instead of being cut mid-table.

Everything a student's code or a check wrote is escaped: text can neither
break a table nor inject HTML, and program output goes into fences longer than
any run of backticks inside it.

Public API (the class workflow and ``grader ci`` use these):

- :func:`student_report` — one student's results (one or several exercises),
  for a student (visibility applied) or the instructor; :func:`render` does
  the same from :class:`visibility.Shown` results already filtered;
- :func:`class_summary` — many students' results: score distribution per
  exercise, most frequent known bugs, one row per student;
- :func:`brief` — a few lines per exercise (Gradescope's summary box);
- :func:`comparison` — CI scores against the instructor's re-grade;
- :func:`write` — the ``--format markdown`` writer (instructor's view).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from ..results import CheckResult, PairResult
from ..wire import clean_text
from .visibility import Audience, Policy, Shown, show

if TYPE_CHECKING:
    from ..ci import Comparison

MAX_BYTES = 1024 * 1024
"""GitHub's limit for one step's summary (``$GITHUB_STEP_SUMMARY``)."""
_SYMBOL = {"passed": "✅", "failed": "❌", "error": "⚠️", "missing": "❔"}
_NOTE_RESERVE = 300  # room kept for the "left out" line


def student_report(results: Sequence[PairResult], *, audience: Audience = "student", policy: Policy | None = None,
                   now: datetime | None = None, points: Mapping[str, float] | None = None,
                   title: str = "grader", notes: Sequence[str] = (), limit: int = MAX_BYTES) -> str:
    """One student's results as Markdown, for ``audience`` (a student sees only what visibility allows).

    :param points: each exercise's points (``exercise.points``), so that points no check of this copy of the
        course grades are reported as graded elsewhere.
    :param notes: closing lines (the digest of the suites, the grader version, a threat-model note).
    :param limit: the document's size in UTF-8 bytes, at most.
    """
    points = points or {}
    shown = [show(r, audience, policy, now, points=points.get(r.exercise)) for r in results]
    return render(shown, title=title, notes=notes, limit=limit)


def render(shown: Sequence[Shown], *, title: str = "grader", notes: Sequence[str] = (),
           limit: int = MAX_BYTES) -> str:
    """Results already filtered for their reader (:func:`visibility.show`) as one Markdown document."""
    doc = _Budget(limit, tail=_notes(notes))
    score = sum(s.result.score for s in shown)
    most = sum(s.result.max_score for s in shown)
    percent = f" ({100 * score / most:.0f}%)" if most else ""
    doc.add(f"## {_text(title)}: {_n(score)}/{_n(most)} points{percent}\n\n")
    if any(s.withheld or s.unseen_points for s in shown):
        doc.add("".join(f"- `{_code(s.result.exercise)}`: {_text(s.score_line())}\n" for s in shown) + "\n")
    doc.table(["exercise", "file", "score", "checks passed", "known bugs seen"],
              [[f"`{_code(s.result.exercise)}` {_text(s.result.title)}", f"`{_code(s.result.submission)}`",
                f"{_n(s.result.score)}/{_n(s.result.max_score)}",
                f"{sum(c.outcome == 'passed' for c in s.result.checks)}/{len(s.result.checks)}",
                _text(", ".join(_bugs_named(s.result))) or "none"] for s in shown],
              align="llrrl")
    for s in shown:
        doc.section(_details(s), _details(s, compact=True))
    return doc.text()


def brief(shown: Sequence[Shown]) -> str:
    """A few lines per exercise: what the score covers, problems, known bugs seen (Gradescope's summary box)."""
    lines = []
    for s in shown:
        r = s.result
        lines.append(f"**`{_code(r.exercise)}` {_text(r.title)}**: {_text(s.score_line())}\n")
        lines.extend(f"- ⚠️ {_text(e)}" for e in r.errors)
        lines.extend(f"- Known bug: **{_text(b.title)}** (`{_code(b.id)}`): {_text(b.explanation)}"
                     for b in r.bugs_found)
        lines.extend("- Known bug, one of: " + "; ".join(f"**{_text(b.title)}** (`{_code(b.id)}`)" for b in p.bugs)
                     for p in r.bugs_possible)
        lines.append("")
    return "\n".join(lines)


def class_summary(results: Sequence[PairResult], *, title: str = "Class summary", limit: int = MAX_BYTES) -> str:
    """Many students' results (instructor's view): distribution per exercise, known bugs, one row per student."""
    students = sorted({_who(r) for r in results})
    doc = _Budget(limit)
    doc.add(f"## {_text(title)}: {len(students)} students, {len(results)} graded submissions\n\n")
    doc.add("### Scores per exercise (%)\n\n")
    rows = []
    for exercise in sorted({r.exercise for r in results}):
        these = [r for r in results if r.exercise == exercise]
        percents = [100 * r.fraction for r in these]
        rows.append([f"`{_code(exercise)}`", str(len(these)), f"{statistics.mean(percents):.1f}",
                     f"{statistics.median(percents):.1f}", f"{min(percents):.0f}", f"{max(percents):.0f}",
                     str(sum(r.score == r.max_score for r in these)), str(sum(bool(r.errors) for r in these))])
    doc.table(["exercise", "graded", "mean", "median", "min", "max", "full marks", "with errors"], rows,
              align="lrrrrrrr")
    frequency = bug_frequency(results)
    if frequency:
        doc.add("\n### Most frequent known bugs (found on evidence)\n\n")
        doc.table(["students", "exercise", "bug", "title"],
                  [[str(n), f"`{_code(e)}`", f"`{_code(b)}`", _text(t)] for (e, b, t), n in frequency],
                  align="rlll")
    exercises = sorted({r.exercise for r in results})
    by_student: dict[str, dict[str, PairResult]] = {}
    for r in results:
        by_student.setdefault(_who(r), {})[r.exercise] = r
    maxima = {r.exercise: r.max_score for r in results}
    doc.add("\n### Students\n\n")
    rows = []
    for student in students:
        row = by_student[student]
        total, most = sum(r.score for r in row.values()), sum(maxima.values())
        rows.append([_text(student), *(_n(row[e].score) if e in row else "" for e in exercises), _n(total),
                     f"{100 * total / most:.1f}" if most else "0.0"])
    doc.table(["student", *(f"`{_code(e)}`" for e in exercises), "total", "%"], rows,
              align="l" + "r" * (len(exercises) + 2))
    return doc.text()


def bug_frequency(results: Iterable[PairResult]) -> list[tuple[tuple[str, str, str], int]]:
    """``((exercise, bug id, title), count)``, most frequent first: bugs found, and "one of" groups."""
    counts = Counter((r.exercise, b.id, b.title) for r in results for b in r.bugs_found)
    counts.update((r.exercise, " or ".join(b.id for b in p.bugs), "one of these")
                  for r in results for p in r.bugs_possible)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def comparison(rows: Sequence[Comparison]) -> str:
    """CI scores against the instructor's re-grade (``grader compare-ci``): flagged students first."""
    flagged = sorted({r.student for r in rows if r.flagged})
    head = (f"## CI scores against the instructor's re-grade\n\n{len(flagged)} of "
            f"{len({r.student for r in rows})} students differ" + (f": {_text(', '.join(flagged))}" if flagged
                                                                    else "") + ".\n\n")
    doc = _Budget(MAX_BYTES)
    doc.add(head)
    ordered = sorted(rows, key=lambda r: (not r.flagged, r.student, r.exercise))
    doc.table(["", "student", "exercise", "CI", "re-grade (same checks)", "verdict", "detail"],
              [["⚠️" if r.flagged else "", _text(r.student), f"`{_code(r.exercise)}`",
                "" if r.ci_score is None else _n(r.ci_score),
                "" if r.instructor_score is None else _n(r.instructor_score), _text(r.verdict), _text(r.detail)]
               for r in ordered], align="lllrrll")
    return doc.text()


def write(results: Sequence[PairResult], stream: TextIO) -> None:
    """``--format markdown``: the instructor's view; a class summary first when there are several students."""
    if len({_who(r) for r in results}) > 1:
        stream.write(class_summary(results, limit=MAX_BYTES // 4) + "\n")
    by_student: dict[str, list[PairResult]] = {}
    for result in results:
        by_student.setdefault(_who(result), []).append(result)
    for student, theirs in by_student.items():
        stream.write(student_report(theirs, audience="instructor", title=student) + "\n")


# ---- one exercise -------------------------------------------------------------------------------


def _details(shown: Shown, compact: bool = False) -> str:
    """One exercise's section; ``compact`` keeps the table and drops messages, explanations and output."""
    r = shown.result
    lines = [f"### `{_code(r.exercise)}` — {_text(r.title)}: {_n(r.score)}/{_n(r.max_score)}\n"]
    if shown.audience == "student" and (shown.withheld or shown.unseen_points or shown.hidden):
        lines.append(f"{_text(shown.score_line())}.\n")
    if r.errors:
        lines.append("**Problems**\n")
        lines.extend(f"- {_text(e)}" for e in r.errors)
        lines.append("")
    lines.append("| | check | points | known bug seen |")
    lines.append("|---|---|--:|---|")
    for c in r.checks:
        label = _text(c.title) + (" *(public)*" if c.public else "") + _label(c, shown.audience)
        lines.append(f"| {_SYMBOL[c.outcome]} | {label} | {_n(c.score)}/{_n(c.max_score)} | "
                     f"{_text(' or '.join(c.evidence))} |")
    for w in shown.withheld:
        lines.append(f"| 🔒 | {_text(w.title)} *(graded after {_text(w.until)})* | ?/{_n(w.max_score)} | |")
    lines.append("")
    if compact:
        lines.append("*Messages, known-bug explanations and output left out here to stay within the size limit.*\n")
        return "\n".join(lines) + "\n"
    failed = [c for c in r.checks if c.outcome != "passed" and c.cause != "import" and c.message]
    blocked = sum(c.cause == "import" for c in r.checks)
    if failed or blocked:
        lines.append("**What to fix**\n")
        if blocked:
            lines.append(f"- ❌ {blocked} check{'s' if blocked > 1 else ''} could not run because the file "
                         "could not be imported (see Problems above).")
        lines.extend(f"- {_SYMBOL[c.outcome]} **{_text(c.title)}**: {_text(c.message)}" for c in failed)
        lines.append("")
    if r.bugs_found or r.bugs_possible:
        lines.append("**Known bugs of the original snippet found in this code**\n")
        for bug in r.bugs_found:
            lines.append(f"- **{_text(bug.title)}** (`{_code(bug.id)}`): {_text(bug.explanation)}")
        for group in r.bugs_possible:
            lines.append("- **One of these** (the checks cannot tell which):")
            lines.extend(f"  - **{_text(b.title)}** (`{_code(b.id)}`): {_text(b.explanation)}" for b in group.bugs)
        lines.append("")
    for c in r.checks:
        if c.public and c.output.strip():
            lines.append(f"<details><summary>Output of the code during public check “{_text(c.title)}”"
                         f"</summary>\n\n{_fence(c.output[:4000])}\n</details>\n")
    if r.notes:
        lines.extend(f"- *{_text(note)}*" for note in r.notes)
        lines.append("")
    if r.isolation:
        lines.append(f"<sub>Isolation: {_text(r.isolation)}</sub>\n")
    return "\n".join(lines) + "\n"


def _label(check: CheckResult, audience: Audience) -> str:
    if audience == "student":
        return " *(details hidden)*" if check.visibility == "hidden" else ""
    return "" if check.visibility == "visible" else f" *[{check.visibility}]*"


def _bugs_named(result: PairResult) -> list[str]:
    return [b.id for b in result.bugs_found] + [" or ".join(b.id for b in p.bugs) for p in result.bugs_possible]


def _notes(notes: Sequence[str]) -> str:
    return "".join(f"<sub>{_text(n)}</sub><br>\n" for n in notes) + ("\n" if notes else "")


def _who(result: PairResult) -> str:
    return result.student or result.submission


# ---- a document within a byte budget ---------------------------------------------------------------


class _Budget:
    """Appends parts while they fit in ``limit`` bytes, keeping room for ``tail`` and a "left out" line."""

    def __init__(self, limit: int, tail: str = "") -> None:
        self.parts: list[str] = []
        self.tail = tail
        self.room = limit - len(tail.encode()) - _NOTE_RESERVE
        self.left_out_sections = 0
        self.left_out_rows = 0

    def add(self, text: str) -> bool:
        size = len(text.encode())
        if size > self.room:
            return False
        self.parts.append(text)
        self.room -= size
        return True

    def section(self, text: str, shorter: str = "") -> None:
        """A whole section, else its ``shorter`` form; once one is left out, every later one is too."""
        if self.left_out_sections or not (self.add(text) or (shorter and self.add(shorter))):
            self.left_out_sections += 1

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> None:
        marks = {"l": "---", "r": "--:", "c": ":-:"}
        head = f"| {' | '.join(header)} |\n|{'|'.join(marks.get(a, '---') for a in align.ljust(len(header), 'l'))}|\n"
        if not self.add(head):
            self.left_out_rows += len(rows)
            return
        for index, row in enumerate(rows):
            if not self.add(f"| {' | '.join(row)} |\n"):
                self.left_out_rows += len(rows) - index
                break
        self.add("\n")

    def text(self) -> str:
        body = "".join(self.parts)
        if self.left_out_sections or self.left_out_rows:
            what = [f"{n} {word}{'s' if n > 1 else ''}" for n, word in
                    ((self.left_out_sections, "section"), (self.left_out_rows, "table row")) if n]
            body += (f"\n> **Shortened:** {' and '.join(what)} left out to stay within "
                     f"{(len(body.encode()) + self.room + _NOTE_RESERVE) // 1024} KiB; the full report is in "
                     "the JUnit and JSON files.\n\n")
        return body + self.tail


# ---- escaping ---------------------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*_\[\]|~<>&#])")


def _text(text: str) -> str:
    """Inline Markdown for any text: one line, no markup, no HTML, safe inside a table cell."""
    text = " ".join(clean_text(text).split())
    return _SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m[1], "\\" + m[1]), text)


def _code(text: str) -> str:
    """Text for inside single backticks (ids, file names): no backticks or pipes, one line."""
    return " ".join(clean_text(text).split()).replace("`", "'").replace("|", "/")


def _fence(text: str) -> str:
    text = clean_text(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
