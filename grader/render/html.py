"""A self-contained HTML report: one student's, or a whole class's with charts.

One file, nothing to fetch: styles inline, charts as inline SVG
(``charts.py``), no script, no font, no image, and a Content-Security-Policy
that forbids any request, so the report opens the same from a CI artifact,
an e-mail or a laptop offline. Every text is HTML-escaped.

- :func:`student_page` — one student's results for ``audience`` (a student
  sees only what visibility allows), with a chart of the score per exercise;
- :func:`class_page` — the instructor's view of many students: score
  distribution per exercise, known-bug frequency, time per graded pair, a
  table per student and every student's details;
- :func:`write` — the ``--format html`` writer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import TextIO

from ..results import PairResult
from ..wire import clean_text
from . import charts
from .markdown import bug_frequency
from .visibility import Audience, Policy, Shown, show

_SYMBOL = {"passed": "✓", "failed": "✗", "error": "!", "missing": "?"}
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;
padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;
vertical-align:top;text-align:left}th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.passed{color:#2e7d32}.failed,.missing{color:#c62828}.error{color:#8e24aa}.withheld{color:#777}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}
figure{margin:0 0 1rem}figcaption{font-size:.85rem;color:#555}
svg.chart{width:100%;height:auto;display:block}svg .tick{font:11px sans-serif;fill:#555}
svg .label{font:12px sans-serif;fill:#1b1b1b}.score{font-size:1.1rem;font-weight:600}
.note{color:#555;font-size:.85rem}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}
td.s0{background:#fdecea}td.s1{background:#fff8e1}td.s2{background:#e8f5e9}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def student_page(results: Sequence[PairResult], *, audience: Audience = "student", policy: Policy | None = None,
                 now: datetime | None = None, points: Mapping[str, float] | None = None, title: str | None = None,
                 notes: Sequence[str] = ()) -> str:
    """One student's report as a complete HTML document."""
    points = points or {}
    shown = [show(r, audience, policy, now, points=points.get(r.exercise)) for r in results]
    who = next((r.student for r in results if r.student), None)
    heading = title or f"grader report{': ' + who if who else ''}"
    score, most = sum(s.result.score for s in shown), sum(s.result.max_score for s in shown)
    body = [f"<h1>{_e(heading)}</h1>",
            f'<p class="score">{_n(score)}/{_n(most)} points'
            f'{f" ({100 * score / most:.0f}%)" if most else ""}</p>']
    if len(shown) > 1:
        body.append(_figure(charts.bars([s.result.exercise for s in shown],
                                        [100 * s.result.fraction for s in shown],
                                        label="Score per exercise (%)", unit="%", maximum=100),
                            "Score per exercise (% of the points shown here)"))
    body.extend(_exercise(s) for s in shown)
    return _page(heading, body, notes)


def class_page(results: Sequence[PairResult], *, title: str = "Class report", notes: Sequence[str] = ()) -> str:
    """The instructor's report on many students, with charts."""
    students = sorted({_who(r) for r in results})
    exercises = sorted({r.exercise for r in results})
    body = [f"<h1>{_e(title)}</h1>",
            f"<p>{len(students)} students, {len(results)} graded submissions, {len(exercises)} exercises.</p>",
            "<h2>Score distribution per exercise</h2>", '<div class="grid">']
    for exercise in exercises:
        percents = [100 * r.fraction for r in results if r.exercise == exercise]
        body.append(_figure(charts.histogram(percents, label=f"Scores of {exercise} (%)"),
                            f"{exercise}: {len(percents)} submissions, % of points (x) by number of students (y)"))
    body.append("</div>")
    frequency = bug_frequency(results)
    body.append("<h2>Known bugs found (on evidence)</h2>")
    if frequency:
        body.append(_figure(charts.bars([f"{e} / {b}" for (e, b, _), _n_ in frequency[:25]],
                                        [n for _, n in frequency[:25]], label="Known-bug frequency"),
                            "Students whose code still has each known bug (most frequent first)"))
    else:
        body.append("<p>No known bug was found.</p>")
    timed = sorted(((r.timings.get("total", 0.0), f"{_who(r)} / {r.exercise}") for r in results), reverse=True)
    body.append("<h2>Time per graded pair</h2>")
    body.append(_figure(charts.columns([t for _, t in timed], [s for s, _ in timed], label="Seconds per pair",
                                       unit=" s"),
                        "Wall time of each (student, exercise) pair: run in the sandbox plus judging"))
    body.append("<h2>Students</h2>")
    body.append(_student_table(results, students, exercises))
    by_student: dict[str, list[PairResult]] = {}
    for r in results:
        by_student.setdefault(_who(r), []).append(r)
    for student in students:
        body.append(f'<details id="{_e(_anchor(student))}"><summary><b>{_e(student)}</b></summary>')
        body.extend(_exercise(show(r)) for r in sorted(by_student[student], key=lambda r: r.exercise))
        body.append("</details>")
    return _page(title, body, notes)


def write(results: Sequence[PairResult], stream: TextIO) -> None:
    """``--format html``: a class page for several students, else the instructor's view of one student."""
    if len({_who(r) for r in results}) > 1:
        stream.write(class_page(results))
    else:
        stream.write(student_page(results, audience="instructor"))


def _exercise(shown: Shown) -> str:
    r = shown.result
    parts = [f"<h2>{_e(r.exercise)} — {_e(r.title)}</h2>",
             f'<p class="score">{_e(shown.score_line())}</p>',
             f'<p class="note">{_e(r.submission)}{" · " + _e(r.student) if r.student else ""}</p>']
    if r.errors:
        parts.append("<h3>Problems</h3><ul>" + "".join(f"<li>{_e(e)}</li>" for e in r.errors) + "</ul>")
    rows = []
    for c in r.checks:
        flag = "" if c.visibility == "visible" else (
            " <i>(details hidden)</i>" if shown.audience == "student" else f" <i>[{_e(c.visibility)}]</i>")
        public = " <i>(public)</i>" if c.public else ""
        rows.append(f'<tr><td class="{c.outcome}">{_SYMBOL[c.outcome]}</td><td>{_e(c.title)}{public}{flag}'
                    f'</td><td class="n">{_n(c.score)}/{_n(c.max_score)}</td><td>{_e(c.message)}</td>'
                    f"<td>{_e(' or '.join(c.evidence))}</td></tr>")
    rows.extend(f'<tr><td class="withheld">…</td><td>{_e(w.title)} <i>(graded after {_e(w.until)})</i>'
                f'</td><td class="n">?/{_n(w.max_score)}</td><td></td><td></td></tr>' for w in shown.withheld)
    parts.append("<table><tr><th></th><th>check</th><th>points</th><th>what happened</th><th>known bug seen</th>"
                 "</tr>" + "".join(rows) + "</table>")
    if r.bugs_found or r.bugs_possible:
        items = [f"<li><b>{_e(b.title)}</b> ({_e(b.id)}): {_e(b.explanation)}</li>" for b in r.bugs_found]
        items += ["<li>One of these (the checks cannot tell which):<ul>" + "".join(
            f"<li><b>{_e(b.title)}</b> ({_e(b.id)}): {_e(b.explanation)}</li>" for b in p.bugs)
            + "</ul></li>" for p in r.bugs_possible]
        parts.append("<h3>Known bugs of the original snippet found</h3><ul>" + "".join(items) + "</ul>")
    for c in r.checks:
        if c.public and c.output.strip():
            parts.append(f"<details><summary>Output during public check “{_e(c.title)}”</summary>"
                         f"<pre>{_e(c.output[:4000])}</pre></details>")
    if r.notes:
        parts.append("<ul class=\"note\">" + "".join(f"<li>{_e(n)}</li>" for n in r.notes) + "</ul>")
    if r.isolation:
        parts.append(f'<p class="note">Isolation: {_e(r.isolation)}</p>')
    return "\n".join(parts)


def _student_table(results: Sequence[PairResult], students: Sequence[str], exercises: Sequence[str]) -> str:
    cells: dict[tuple[str, str], PairResult] = {(_who(r), r.exercise): r for r in results}
    head = "".join(f"<th>{_e(e)}</th>" for e in exercises)
    rows = []
    for student in students:
        tds = []
        for exercise in exercises:
            r = cells.get((student, exercise))
            if r is None:
                tds.append('<td class="n"></td>')
            else:
                band = 2 if r.score == r.max_score else 1 if r.fraction >= 0.5 else 0
                tds.append(f'<td class="n s{band}">{_n(r.score)}/{_n(r.max_score)}</td>')
        rows.append(f'<tr><td><a href="#{_e(_anchor(student))}">{_e(student)}</a></td>{"".join(tds)}</tr>')
    return f"<table><tr><th>student</th>{head}</tr>{''.join(rows)}</table>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{_e(caption)}</figcaption></figure>"


def _page(title: str, body: Sequence[str], notes: Sequence[str]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    footer = "".join(f'<p class="note">{_e(n)}</p>' for n in notes)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + f'\n{footer}<p class="note">Generated by grader, {stamp}.</p>\n</body></html>\n')


def _e(text: str) -> str:
    """Text from anywhere (a student's output, a file name) as safe HTML: escaped, valid, no control characters."""
    return escape(clean_text(text))


def _anchor(student: str) -> str:
    return "student-" + "".join(ch if ch.isalnum() else "-" for ch in student)


def _who(result: PairResult) -> str:
    return result.student or result.submission


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
