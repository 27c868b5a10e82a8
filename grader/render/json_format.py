"""JSON: the stable, documented form of results (``docs/results.md``).

One result is written as one object; several as ``{"results": [...]}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from ..results import SCHEMA_VERSION, PairResult


def to_data(results: Sequence[PairResult]) -> dict[str, Any]:
    if len(results) == 1:
        return results[0].to_dict()
    return {"schema_version": SCHEMA_VERSION, "results": [r.to_dict() for r in results]}


def write(results: Sequence[PairResult], stream: TextIO) -> None:
    json.dump(to_data(results), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
