"""Commands for students: list the exercises, read a statement, grade a submission."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import course, course_option, open_pool, sandbox_options


@click.command("list")
@course_option
@click.pass_context
def list_exercises(ctx: click.Context) -> None:
    """List the exercises: id, framework, points, known bugs, title.

    Example: grader list
    """
    for exercise in course(ctx).all():
        click.echo(f"{exercise.id:<28} {exercise.framework:<11} {exercise.points:>5g} pts  "
                   f"{len(exercise.bugs):>2} bugs  {exercise.title}")


@click.command()
@click.argument("exercise_id")
@course_option
@click.pass_context
def show(ctx: click.Context, exercise_id: str) -> None:
    """Print an exercise's statement (what to implement and how it is graded).

    Example: grader show torch_cifar_cnn
    """
    exercise = course(ctx).get(exercise_id)
    click.echo(exercise.statement.read_text(encoding="utf-8"))


@click.command()
@click.argument("exercise_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html", "junit", "gradescope"]),
              default="text", show_default=True, help="Report format on standard output.")
@click.option("--audience", type=click.Choice(["student", "instructor"]), default="student", show_default=True,
              help="student: what the course lets a student see (hidden checks without details, checks released "
                   "later left out); instructor: everything.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit with status 1 if the score is below this percentage.")
@course_option
@sandbox_options
@click.pass_context
def submit(ctx: click.Context, exercise_id: str, file: Path, fmt: str, audience: str, fail_under: float | None,
           jobs: int | None, unsafe: bool) -> None:
    """Grade one submission (.py, .ipynb or .zip) and print the report.

    Exit status: 0 when graded, 1 when the file could not be read or the score
    is under --fail-under, 2 for a usage error.

    Example: grader submit bigram_text_generator my_solution.ipynb --format json
    """
    from .. import engine
    from ..render import WRITERS
    from ..render.visibility import Policy, show

    the_course = course(ctx)
    exercise = the_course.get(exercise_id)
    with open_pool(the_course, jobs or 1, unsafe) as pool:
        result = engine.grade_file(exercise, file, pool)
    shown = show(result, audience, Policy.load(the_course.root), points=exercise.points)  # type: ignore[arg-type]
    WRITERS[fmt]([shown.result], sys.stdout)
    if fmt == "text" and (shown.withheld or shown.unseen_points):
        click.echo(shown.score_line())
    unreadable = any(c.cause == "unreadable" for c in result.checks)
    if unreadable or (fail_under is not None and 100 * shown.result.fraction < fail_under):
        ctx.exit(1)
