"""One Markdown feedback file per student: what to fix first, then what passed, what failed and why.

The body is :func:`grader.render.markdown.render` of the student's view
(:func:`grader.render.visibility.show` under the course's policy: a hidden
check's message, evidence and output never reach the file), so a TA can hand
the file to the student as it is. What comes first is the one thing that
costs most: a file that could not be read or imported (every check is lost),
else the known bug whose checks lost most points, else the failed check worth
most.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from ..results import PairResult
from ..wire import clean_text
from . import markdown
from .visibility import Policy, Shown, show


def student_file(student: str, results: Sequence[PairResult], *, policy: Policy | None = None,
                 points: Mapping[str, float] | None = None, notes: Sequence[str] = ()) -> str:
    """The feedback file of one student (several exercises)."""
    points = points or {}
    shown = [show(r, "student", policy, points=points.get(r.exercise)) for r in sorted(results,
                                                                                       key=lambda r: r.exercise)]
    head = f"# Feedback for {_inline(student)}\n\n**What to fix first:** {first_fix(shown)}\n\n"
    return head + markdown.render(shown, title="Your results", notes=notes, limit=markdown.MAX_BYTES - len(head))


def first_fix(shown: Sequence[Shown]) -> str:
    """One sentence: the fix that wins most points."""
    candidates: list[tuple[float, str]] = []
    for s in shown:
        r = s.result
        lost = r.max_score - r.score
        where = f"**{_inline(r.exercise)}**"
        if r.errors and all(c.cause for c in r.checks if c.outcome != "passed") and lost > 0:
            candidates.append((lost + 1e6, f"{where}: {_inline(r.errors[0])}"))
        for bug in r.bugs_found:
            cost = sum(c.max_score - c.score for c in r.checks if c.id in bug.checks)
            candidates.append((cost + 1e3, f"{where}: the known bug **{_inline(bug.title)}** "
                                           f"(costs {_n(cost)} points): {_inline(bug.explanation)}"))
        for check in r.checks:
            if check.outcome != "passed" and not check.cause:
                message = _inline(check.message) or "it did not pass"
                candidates.append((check.max_score - check.score,
                                   f"{where}: **{_inline(check.title)}** ({_n(check.max_score - check.score)} "
                                   f"points): {message}"))
    if not candidates:
        return "nothing, every check passed."
    return max(candidates, key=lambda c: c[0])[1]


def file_name(student: str) -> str:
    """A file name for any student name (spaces, quotes, non-ASCII); a short hash keeps altered names apart."""
    safe = re.sub(r"[^\w.-]", "_", student, flags=re.UNICODE).strip("._")[:80] or "student"
    if safe != student:
        safe += "-" + hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return safe


_SPECIAL = re.compile(r"([\\`*_\[\]|~<>&#])")


def _inline(text: str) -> str:
    """Inline Markdown for any text: one line, no markup or HTML (as markdown.py escapes its cells)."""
    text = " ".join(clean_text(text).split())
    return _SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m[1], "\\" + m[1]), text)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
