"""The ``grader`` command line: Click commands, nothing else.

Commands live in one module per kind of user (``student.py``, ``ta.py``,
``author.py``, ``ci.py``) and are loaded only when called, so that ``--help`` stays
instant (click's lazy group). Each command checks its arguments (Click does
most of it), calls one engine, batch or authoring function, hands the result to
a renderer and picks the exit code. A :class:`~grader.errors.GraderError`
becomes a one-line ``Error:`` message here and nowhere else.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from .. import __version__
from ..errors import GraderError, UsageError
from ..exercise import COURSE_ENV
from .options import course_option

# command name -> "module:function", loaded on first use
COMMANDS = {
    "list": "student:list_exercises",
    "show": "student:show",
    "submit": "student:submit",
    "grade": "ta:grade",
    "history": "ta:history",
    "choose": "ta:choose",
    "similarity": "ta:similarity",
    "verify": "author:verify",
    "new": "author:new",
    "probe": "author:probe",
    "export": "author:export",
    "table": "author:table",
    "check": "ci:check",
    "ci": "ci:ci",
    "compare-ci": "ci:compare_ci",
    "doctor": "admin:doctor",
}


class _LazyGroup(click.Group):
    """Loads a command's module only when it runs (click docs, "Lazily Loading Subcommands"); turns
    :class:`GraderError` into Click's one-line errors."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, attribute = COMMANDS[name].split(":")
            return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as e:
            raise click.UsageError(str(e), ctx) from None
        except GraderError as e:
            raise click.ClickException(str(e)) from None


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@course_option
@click.version_option(__version__, prog_name="grader")
def cli() -> None:
    """Grade machine-learning coding exercises with hidden checks.

    \b
    Students:    grader submit bigram_text_generator my_solution.py
    TAs:         grader grade submissions/ --out grades/
    Authors:     grader new ID --framework torch; grader verify; grader export bundle/
    CI:          grader ci . --fail-under 50
    """


def main() -> None:
    cli(prog_name="grader")


__all__ = ["cli", "main", "COURSE_ENV"]
