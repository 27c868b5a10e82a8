"""Renderers of the result model: each turns ``PairResult`` data into one format.

Renderers never run code or grade; they only read results. ``WRITERS`` maps a
``--format`` name to its writer, ``write(results, stream)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from ..results import PairResult
from . import json_format, terminal

Writer = Callable[[Sequence[PairResult], TextIO], None]
WRITERS: dict[str, Writer] = {
    "text": terminal.write,
    "json": json_format.write,
}
