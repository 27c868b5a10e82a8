"""Commands for TAs: grade a class folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import course, course_option, open_pool, sandbox_options, say_course


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercise", "exercise_id", default=None,
              help="Grade a flat folder of <student>.py/.ipynb/.zip files against this exercise.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("grader-out"),
              show_default=True, help="Where to write the gradebook, results and feedback files.")
@click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The results database (default: .grader/results.sqlite beside OUT). An unchanged pair is "
                   "never graded twice; an interrupted run resumes.")
@click.option("--force", is_flag=True, help="Grade again pairs the store already has.")
@course_option
@sandbox_options
@click.pass_context
def grade(ctx: click.Context, folder: Path, exercise_id: str | None, out: Path, store_path: Path | None,
          force: bool, jobs: int | None, unsafe: bool) -> None:
    """Grade a class folder and write a gradebook and per-student feedback.

    \b
    Layout: FOLDER/<student>/<exercise_id>.py|.ipynb|.zip
    (or, with --exercise ID, FOLDER/<student>.py|.ipynb|.zip).
    Writes OUT/gradebook.csv, OUT/results.jsonl and OUT/feedback/<student>.txt.

    Example: grader grade examples/class --out grades
    """
    from .. import batch
    from ..discovery import find_submissions
    from ..render.class_report import ClassReport
    from ..store import Store

    the_course = course(ctx)
    say_course(the_course)
    if exercise_id is not None:
        the_course.get(exercise_id)  # an unknown id is a usage error before any work
    entries, warnings = find_submissions(folder, the_course, exercise_id)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if not entries:
        raise click.ClickException(f"no submissions found in {folder}")
    writer = ClassReport(out)
    store = Store(store_path or out.resolve().parent / ".grader" / "results.sqlite")
    with store, open_pool(the_course, jobs, unsafe) as pool:
        for number, graded in enumerate(batch.grade_many(entries, the_course, pool, store=store, force=force),
                                        start=1):
            result = graded.result
            writer.add(result)
            note = "unchanged (from the store)" if graded.reused else "; ".join(result.errors)
            if graded.previous is not None:
                note = f"regraded: {graded.previous.score:g} -> {result.score:g}. {note}"
            click.echo(f"[{number}/{len(entries)}] {result.student:<16} {result.exercise:<28} "
                       f"{result.score:>6g}/{result.max_score:<4g} {note[:70]}", err=True)
    writer.finish(sys.stdout)
    click.echo(f"\nWrote {out}/gradebook.csv, {out}/results.jsonl and {out}/feedback/", err=True)
