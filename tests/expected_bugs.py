"""The one reader of a held-out buggy submission's declaration (used by the tests and bench/diagnosis)."""

from __future__ import annotations

from pathlib import Path

DECLARATION = "# expect-bugs:"


def expected_bugs(path: Path) -> list[str]:
    """The catalogued bugs a buggy submission's first line declares (``# expect-bugs: a, b (why)``), sorted: a
    catalogued bug written another way, which its report should name. A plausible mistake that is no
    catalogued bug declares none and should name none."""
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    if not first.startswith(DECLARATION):
        return []
    return sorted(b.strip() for b in first.removeprefix(DECLARATION).split("(")[0].split(","))
