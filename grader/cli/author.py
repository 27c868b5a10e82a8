"""Commands for exercise authors: scaffold, probe, verify, export, and the README's exercise table."""

from __future__ import annotations

from pathlib import Path

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


@click.command()
@click.argument("exercise_id")
@click.option("--framework", type=click.Choice(["python", "torch", "tensorflow"]), required=True,
              help="Which worked example to start from.")
@click.option("--title", default=None, help="The exercise's title (default: from its id).")
@course_option
@click.pass_context
def new(ctx: click.Context, exercise_id: str, framework: str, title: str | None) -> None:
    """Scaffold a new exercise that passes `grader verify` as it is; then make it yours.

    Writes exercises/ID/ and solutions/ID.py in the course (--course DIR creates
    the course folder if needed): a small worked example in the framework, with
    probes, public and hidden checks, one known bug and its mutant.

    Example: grader --course my-course new attention_mask --framework torch
    """
    from ..authoring.new import scaffold
    from ..exercise import find_course

    explicit = (ctx.obj or {}).get("course") or (ctx.find_root().obj or {}).get("course")
    if explicit is not None:
        Path(explicit, "exercises").mkdir(parents=True, exist_ok=True)
    root = find_course(Path(explicit) if explicit is not None else None).root
    made = scaffold(root, exercise_id, framework, title)
    flag = f"--course {explicit} " if explicit is not None else ""
    solution = made.solution.relative_to(Path.cwd()) if made.solution.is_relative_to(Path.cwd()) else made.solution
    click.echo(f"Created {made.exercise}/ and {made.solution} ({len(made.files)} files, the {framework} example).")
    click.echo(f"Next (docs/authoring.md, 'From scratch'):\n"
               f"  grader {flag}verify {exercise_id}                       # passes as it is\n"
               f"  edit README.md, stub.py, {solution}, probes.py, checks/, public/, mutants/\n"
               f"  grader {flag}probe {exercise_id} {solution}   # what the probes see\n"
               f"  grader {flag}verify {exercise_id}                       # after every change")


@click.command()
@click.argument("exercise_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--case", "case", default=None, metavar="NAME",
              help="Show only this probe (its name, or one case key such as 'forward{\"n\":2}').")
@course_option
@sandbox_options
@click.pass_context
def probe(ctx: click.Context, exercise_id: str, file: Path, case: str | None, jobs: int | None,
          unsafe: bool) -> None:
    """Print what the exercise's probes observe for a file (nothing is judged).

    The file runs in the sandbox like any submission; arrays are summarised.

    Example: grader probe torch_cifar_cnn solutions/torch_cifar_cnn.py --case forward
    """
    from .. import submission
    from ..authoring.probe import observations

    the_course = course(ctx)
    exercise = the_course.get(exercise_id)
    loaded = submission.load(file, exercise.id)
    with open_pool(the_course, 1, unsafe) as pool:
        record = pool.run(exercise, loaded)
    shown = observations(record, case)
    if case is not None and not shown:
        raise click.UsageError(f"no probe or case {case!r}; the cases are: "
                               + ", ".join(k for k in record.plan), ctx)
    for seen in shown:
        took = f"  ({seen.seconds:.2f} s)" if seen.seconds is not None else ""
        click.echo(click.style(seen.key, bold=True) + took)
        click.echo("  " + seen.text.replace("\n", "\n  "))
        if seen.output.strip():
            click.echo("  printed: " + seen.output.rstrip().replace("\n", "\n           "))
    for incident in record.incidents:
        click.echo(f"note: {incident}", err=True)
    click.echo(f"isolation: {record.isolation}", err=True)


@click.command()
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
@click.argument("exercise_ids", nargs=-1)
@click.option("--gradescope", is_flag=True,
              help="Write DESTINATION/autograder.zip for Gradescope (the full course: keep it private).")
@click.option("--unsafe", is_flag=True,
              help="With --gradescope: grade without the sandbox where the container cannot build it.")
@course_option
@click.pass_context
def export(ctx: click.Context, destination: Path, exercise_ids: tuple[str, ...], gradescope: bool,
           unsafe: bool) -> None:
    """Write the student bundle (statements, stubs, public checks) or a Gradescope autograder.

    \b
    The bundle never holds hidden checks, solutions, mutants, originals or the
    analysis of known bugs that no public check guards. It is an installable
    project: students `pip install DESTINATION` and run `grader check ID FILE`.
    Prints the digest of the bundle's suites, for `grader ci --expect-digest`.

    Example: grader export student-bundle/
    """
    from ..authoring import export as exporting
    from ..authoring.gradescope import export_autograder
    from ..ci import suites_digest
    from ..exercise import Course

    the_course = course(ctx)
    say_course(the_course)
    if gradescope:
        if exercise_ids:
            raise click.UsageError("--gradescope exports the whole course; give no exercise ids", ctx)
        click.echo(f"Wrote {export_autograder(the_course, destination, unsafe=unsafe)} (upload it to Gradescope; "
                   "it holds the hidden checks and solutions: keep it private).")
        return
    for shipped in exporting.export_bundle(the_course, destination, exercise_ids or None):
        click.echo(f"{shipped.exercise}: probes {', '.join(shipped.probes) or 'none'}; shipped names "
                   f"{', '.join(shipped.names) or 'none'}; known bugs {', '.join(shipped.bugs) or 'none'}")
        for warning in shipped.warnings:
            click.echo(f"  warning: {warning}", err=True)
    click.echo(f"Wrote the student bundle to {destination}.")
    click.echo(f"Suites digest (for grader ci --expect-digest): {suites_digest(Course(destination.resolve()))}")


@click.command()
@click.option("--check", "readme", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Instead of printing, exit 1 unless this file (the README) holds exactly this table.")
@course_option
@click.pass_context
def table(ctx: click.Context, readme: Path | None) -> None:
    """Print the README's exercise table (checks, points, known bugs), generated from the exercises.

    Example: grader table --check README.md
    """
    from ..authoring.table import markdown_table, readme_table

    text = markdown_table(course(ctx))
    if readme is None:
        click.echo(text, nl=False)
        return
    if readme_table(readme.read_text(encoding="utf-8")) != text:
        raise click.ClickException(f"{readme}: its exercise table is not what `grader table` prints; paste it "
                                   "between the markers")
    click.echo(f"{readme}: the exercise table is up to date.")
