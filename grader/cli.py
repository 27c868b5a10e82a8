"""The ``grader`` command line: Click commands, nothing else.

Each command checks its arguments (Click does most of it), calls one engine or
authoring function, hands the result to a renderer and picks the exit code.
Heavy modules (pytest, numpy, rich) are imported inside commands so that
``--help`` stays instant. A :class:`~grader.errors.GraderError` becomes a
one-line ``Error:`` message here and nowhere else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import GraderError, UsageError
from .exercise import COURSE_ENV, Course, find_course


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as e:
            raise click.UsageError(str(e), ctx) from None
        except GraderError as e:
            raise click.ClickException(str(e)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--course", type=click.Path(file_okay=False, path_type=Path), envvar=COURSE_ENV,
              help=f"Folder with exercises/ and solutions/ (default: the bundled course; env {COURSE_ENV}).")
@click.version_option(__version__, prog_name="grader")
@click.pass_context
def cli(ctx: click.Context, course: Path | None) -> None:
    """Grade machine-learning coding exercises with hidden checks.

    \b
    Students:    grader submit bigram_text_generator my_solution.py
    TAs:         grader grade submissions/ --out grades/
    Authors:     grader verify
    """
    ctx.obj = course


def _course(ctx: click.Context) -> Course:
    return find_course(ctx.obj)


@cli.command("list")
@click.pass_context
def list_exercises(ctx: click.Context) -> None:
    """List the exercises: id, framework, points, known bugs, title.

    Example: grader list
    """
    course = _course(ctx)
    for exercise in course.all():
        click.echo(f"{exercise.id:<28} {exercise.framework:<11} {exercise.points:>5g} pts  "
                   f"{len(exercise.bugs):>2} bugs  {exercise.title}")


@cli.command()
@click.argument("exercise_id")
@click.pass_context
def show(ctx: click.Context, exercise_id: str) -> None:
    """Print an exercise's statement (what to implement and how it is graded).

    Example: grader show torch_cifar_cnn
    """
    exercise = _course(ctx).get(exercise_id)
    click.echo(exercise.statement.read_text(encoding="utf-8"))


@cli.command()
@click.argument("exercise_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format on standard output.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit with status 1 if the score is below this percentage.")
@click.pass_context
def submit(ctx: click.Context, exercise_id: str, file: Path, fmt: str, fail_under: float | None) -> None:
    """Grade one submission (.py, .ipynb or .zip) and print the report.

    Exit status: 0 when graded, 1 when the file could not be read or the score
    is under --fail-under, 2 for a usage error.

    Example: grader submit bigram_text_generator my_solution.ipynb --format json
    """
    from . import engine
    from .render import WRITERS

    exercise = _course(ctx).get(exercise_id)
    result = engine.grade_file(exercise, file)
    WRITERS[fmt]([result], sys.stdout)
    unreadable = result.isolation == "not run"
    if unreadable or (fail_under is not None and 100 * result.fraction < fail_under):
        ctx.exit(1)


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercise", "exercise_id", default=None,
              help="Grade a flat folder of <student>.py/.ipynb/.zip files against this exercise.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("grader-out"),
              show_default=True, help="Where to write the gradebook, results and feedback files.")
@click.pass_context
def grade(ctx: click.Context, folder: Path, exercise_id: str | None, out: Path) -> None:
    """Grade a class folder and write a gradebook and per-student feedback.

    \b
    Layout: FOLDER/<student>/<exercise_id>.py|.ipynb|.zip
    (or, with --exercise ID, FOLDER/<student>.py|.ipynb|.zip).
    Writes OUT/gradebook.csv, OUT/results.jsonl and OUT/feedback/<student>.txt.

    Example: grader grade examples/class --out grades
    """
    from . import engine
    from .render.class_report import ClassReport

    course = _course(ctx)
    if exercise_id is not None:
        course.get(exercise_id)  # an unknown id is a usage error before any work
    entries, warnings = engine.find_submissions(folder, course, exercise_id)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if not entries:
        raise click.ClickException(f"no submissions found in {folder}")
    writer = ClassReport(out)
    for number, result in enumerate(engine.grade_class(entries, course), start=1):
        writer.add(result)
        click.echo(f"[{number}/{len(entries)}] {result.student:<16} {result.exercise:<28} "
                   f"{result.score:>6g}/{result.max_score:<4g} "
                   f"{'; '.join(result.errors)[:70]}", err=True)
    writer.finish(sys.stdout)
    click.echo(f"\nWrote {out}/gradebook.csv, {out}/results.jsonl and {out}/feedback/", err=True)


@cli.command()
@click.argument("exercise_ids", nargs=-1)
@click.pass_context
def verify(ctx: click.Context, exercise_ids: tuple[str, ...]) -> None:
    """Prove exercises sound: solution full marks, stub 0, original and mutants caught.

    With no ID, verifies every exercise. Exit status 1 if any claim fails.

    Example: grader verify bigram_text_generator
    """
    from . import authoring

    course = _course(ctx)
    exercises = [course.get(i) for i in exercise_ids] if exercise_ids else course.all()
    ok = True
    for exercise in exercises:
        report = authoring.verify(exercise, progress=lambda line: click.echo(f"  … {line}", err=True))
        ok &= report.ok
        click.echo(f"{'PASS' if report.ok else 'FAIL'}  {exercise.id}")
        for finding in report.findings:
            if not finding.ok or finding.subject in ("solution", "stub.py") or finding.subject.startswith(
                    ("original", "mutants/")):
                mark = "ok  " if finding.ok else "FAIL"
                detail = f"  ({finding.detail})" if finding.detail and not finding.ok else ""
                click.echo(f"  {mark} {finding.subject}: {finding.claim}{detail}")
    if not ok:
        ctx.exit(1)


def main() -> None:
    cli(prog_name="grader")
