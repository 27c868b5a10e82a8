"""Renderers of the result model: each turns ``PairResult`` data into one format.

Renderers never run code or grade; they only read results. ``WRITERS`` maps a
``--format`` name to its writer, ``write(results, stream)``, which shows the
instructor's view (everything). A student's view is made in one place,
:func:`visibility.show`, and the student-facing functions of each module
(``markdown.student_report``, ``junit.student``, ``html.student_page``) take
an audience and the course's :class:`visibility.Policy`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from ..results import PairResult
from . import gradescope, html, json_format, junit, markdown, terminal

Writer = Callable[[Sequence[PairResult], TextIO], None]
WRITERS: dict[str, Writer] = {
    "text": terminal.write,
    "json": json_format.write,
    "junit": junit.write,
    "markdown": markdown.write,
    "html": html.write,
    "gradescope": gradescope.write,
}
