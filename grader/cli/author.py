"""Commands for exercise authors: prove exercises sound."""

from __future__ import annotations

import click

from .options import course, course_option, open_pool, sandbox_options, say_course


@click.command()
@click.argument("exercise_ids", nargs=-1)
@course_option
@sandbox_options
@click.pass_context
def verify(ctx: click.Context, exercise_ids: tuple[str, ...], jobs: int | None, unsafe: bool) -> None:
    """Prove exercises sound: solution full marks, stub 0, original and mutants caught.

    With no ID, verifies every exercise. Exit status 1 if any claim fails.

    Example: grader verify bigram_text_generator
    """
    from .. import authoring

    the_course = course(ctx)
    say_course(the_course)
    exercises = [the_course.get(i) for i in exercise_ids] if exercise_ids else the_course.all()
    ok = True
    with open_pool(the_course, jobs, unsafe) as pool:
        for exercise in exercises:
            report = authoring.verify(exercise, pool, progress=lambda line: click.echo(f"  … {line}", err=True))
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
