"""Options shared by several commands, and the objects they build (the course, the pool)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..exercise import COURSE_ENV, Course, find_course

F = TypeVar("F", bound=Callable[..., Any])


def _remember_course(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        ctx.ensure_object(dict)["course"] = value
    return value


def course_option(function: F) -> F:
    """``--course DIR``, accepted before or after the subcommand (the later one wins)."""
    return click.option(
        "--course", type=click.Path(file_okay=False, path_type=Path), envvar=COURSE_ENV, expose_value=False,
        callback=_remember_course, is_eager=True,
        help=f"Folder with exercises/ and solutions/ (default: the bundled course; env {COURSE_ENV}).",
    )(function)


def sandbox_options(function: F) -> F:
    """``--jobs`` and ``--unsafe`` for commands that run student code."""
    function = click.option(
        "--unsafe", is_flag=True,
        help="Run even where the sandbox cannot be built (missing bubblewrap or user namespaces). Only for "
             "a trusted author's own files: every report then says what isolation was missing.",
    )(function)
    return click.option(
        "--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
        help="Worker slots run in parallel (default: every CPU).",
    )(function)


def course(ctx: click.Context) -> Course:
    """The course the command uses: ``--course``, ``$GRADER_COURSE``, the checkout or the bundled copy."""
    root = ctx.find_root()
    explicit = (ctx.obj or {}).get("course") or (root.obj or {}).get("course")
    return find_course(explicit)


def open_pool(course: Course, jobs: int | None, unsafe: bool) -> Any:
    """A worker pool that hides the course and the grader's caches from every worker."""
    from ..reference import cache_dir
    from ..sandbox import Pool

    return Pool(jobs, unsafe=unsafe, hidden=(*course.hidden_folders, cache_dir()))


def say_course(course: Course) -> None:
    """Every command that reads a course says which one it used (on stderr)."""
    if os.environ.get("GRADER_QUIET_COURSE") != "1":
        click.echo(f"course: {course.root}", err=True)
