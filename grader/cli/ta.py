"""Commands for TAs: grade a class folder, see a student's history, choose a submission, compare submissions."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import course, course_option, open_pool, sandbox_options, say_course

if TYPE_CHECKING:
    from ..batch import Graded
    from ..discovery import ClassEntry, Discovery
    from ..exercise import Course
    from ..store import Pick, Store

_DEFAULT_OUT = Path("grader-out")


def _out_option(function):  # type: ignore[no-untyped-def]
    return click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=_DEFAULT_OUT,
                        show_default=True, help="Where the gradebook, feedback and summary files go.")(function)


def _store_option(function):  # type: ignore[no-untyped-def]
    return click.option("--store", "store_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="The results database (default: .grader/results.sqlite beside OUT). An unchanged pair "
                             "is never graded twice; an interrupted run resumes.")(function)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercise", "exercise_id", default=None,
              help="Every file of FOLDER answers this exercise (<student>.py, a Canvas download of one assignment).")
@_out_option
@_store_option
@click.option("--force", is_flag=True, help="Grade again pairs the store already has (the old results are kept).")
@click.option("--student", "students", multiple=True, metavar="NAME",
              help="Grade only this student (repeatable); the gradebook still covers the whole folder.")
@click.option("--dry-run", is_flag=True, help="Only say who and what was found, what is ignored and why.")
@click.option("--select", "rule", type=click.Choice(["latest", "best"]), default="latest", show_default=True,
              help="Which of a student's submissions counts (a choice made with 'grader choose' beats both).")
@click.option("--lms", type=click.Choice(["canvas", "moodle"]), multiple=True,
              help="Also write OUT/canvas.csv or OUT/moodle.csv for the LMS's grade import (repeatable).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The LMS's gradebook export (CSV), to fill the LMS files with its student ids and columns.")
@click.option("--similarity/--no-similarity", default=True, show_default=True,
              help="Compare the submissions of each exercise and write OUT/similarity.md (never changes a score).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Grade on this machine's workers, or on the nodes of a Ray cluster (pip install 'grader[ray]'; "
                   "see docs/distributed.md).")
@click.option("--address", default=None, metavar="ray://HOST:PORT|auto",
              help="With --executor ray: the cluster to use (default: a Ray instance on this machine only).")
@course_option
@sandbox_options
@click.pass_context
def grade(ctx: click.Context, folder: Path, exercise_id: str | None, out: Path, store_path: Path | None, force: bool,
          students: tuple[str, ...], dry_run: bool, rule: str, lms: tuple[str, ...], roster: Path | None,
          similarity: bool, executor: str, address: str | None, jobs: int | None, unsafe: bool) -> None:
    """Grade a class folder; write a gradebook, LMS files, feedback and a summary.

    \b
    Layouts (mixed freely; --dry-run shows what was found):
      FOLDER/<student>/<exercise_id>.py|.ipynb|.zip     one folder per student
      FOLDER/<student>_<exercise_id>.py|.ipynb          flat files
      FOLDER/<student>.zip                              one zip per student
      FOLDER/<name>[_late]_<userid>_<id>_<file>         a Canvas download
      FOLDER/submission_metadata.yml + submission_*/    a Gradescope export
      FOLDER/<student>.py with --exercise ID            one exercise
    Writes OUT/gradebook.csv, OUT/feedback/<student>.md, OUT/summary.md, OUT/similarity.md,
    OUT/results.jsonl and, with --lms, OUT/canvas.csv or OUT/moodle.csv.

    Example: grader grade examples/class --out grades --lms canvas
    """
    from .. import roster as rosters
    from ..discovery import discover
    from ..store import Store

    if address is not None and executor != "ray":
        raise click.UsageError("--address is for --executor ray")
    the_course = course(ctx)
    say_course(the_course)
    if exercise_id is not None:
        the_course.get(exercise_id)  # an unknown id is a usage error before any work
    found = discover(folder, the_course, exercise_id)
    if dry_run:
        _show_discovery(found)
        return
    for warning in found.warnings():
        click.echo(f"warning: {warning}", err=True)
    if not found.entries:
        raise click.ClickException(f"no submissions found in {folder} (grader grade {folder} --dry-run says why)")
    entries = _only(found.entries, students)
    identities = rosters.identities_of(found.entries, rosters.load(roster) if roster else None)
    with Store(store_path or _default_store(out)) as store:
        current = {i: (the_course.get(i).digest(), _version()) for i in {e.exercise_id for e in found.entries}}
        pairs = sorted({(e.student, e.exercise_id) for e in found.entries})
        before = _picks(store, pairs, rule, current)
        started = time.monotonic()
        counts = _run(entries, the_course, store, force, jobs, unsafe, executor=executor, address=address)
        after = _picks(store, pairs, rule, current)
    _finish(ctx, found, before, after, counts, time.monotonic() - started, out, rule, lms, roster, identities,
            similarity)


def _grade_all(entries: Sequence[ClassEntry], the_course: Course, *, store: Store, force: bool, jobs: int | None,
               unsafe: bool, executor: str = "local", address: str | None = None) -> Iterator[Graded]:
    """Every entry graded (or taken from the store) as it completes: the one place that picks the executor."""
    from .. import batch

    if executor == "ray":  # the same Graded items, from the nodes of a Ray cluster (docs/distributed.md)
        from .. import distributed

        yield from distributed.grade_many(entries, the_course, address=address, jobs=jobs, unsafe=unsafe,
                                          store=store, force=force, on_event=lambda e: click.echo(str(e), err=True))
        return
    with open_pool(the_course, jobs, unsafe) as pool:
        yield from batch.grade_many(entries, the_course, pool, store=store, force=force)


def _run(entries: Sequence[ClassEntry], the_course: Course, store: Store, force: bool, jobs: int | None,
         unsafe: bool, *, executor: str = "local", address: str | None = None) -> tuple[int, int]:
    """Grade with a progress bar (ETA) and one line per pair with a problem; (graded now, reused)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True, highlight=False)
    graded = reused = 0
    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("grading", total=len(entries))
        for item in _grade_all(entries, the_course, store=store, force=force, jobs=jobs, unsafe=unsafe,
                               executor=executor, address=address):
            reused += item.reused
            graded += not item.reused
            result = item.result
            if result.errors:
                progress.console.print(f"problem: {escape(str(result.student))} / {result.exercise} "
                                       f"({escape(result.submission)}): {escape(result.errors[0][:200])}",
                                       soft_wrap=True)
            progress.advance(task)
    return graded, reused


def _finish(ctx: click.Context, found: Discovery, before: dict, after: dict, counts: tuple[int, int], seconds: float,
            out: Path, rule: str, lms: Sequence[str], roster: Path | None, identities: dict, similarity: bool
            ) -> None:
    """Everything after grading: regrades, similarity, the files and the summary."""
    from .. import __version__, history
    from .. import roster as rosters
    from ..render import class_report, summary
    from ..render.visibility import Policy

    the_course = course(ctx)
    picks = list(after.values())
    results = tuple(p.stored.result for p in picks)
    exercises = sorted({e.exercise_id for e in found.entries})
    # what the checks total when they ran (a suite may have changed its points), else the exercise's points
    points = {i: max((r.max_score for r in results if r.exercise == i), default=the_course.get(i).points)
              for i in exercises}
    missing = len({(e.student, e.exercise_id) for e in found.entries}) - len(after)
    if missing:
        click.echo(f"warning: {missing} pairs of this folder have never been graded (run without --student)",
                   err=True)
    similar, compared = _similar(found, the_course) if similarity else ((), {})
    run = summary.ClassSummary(
        results=results, problems=tuple(r for r in results if r.errors),
        changes=tuple(history.regrades({k: p.stored for k, p in before.items()},
                                       {k: p.stored for k, p in after.items()})),
        similar=tuple(similar), seconds=seconds, graded=counts[0], reused=counts[1], layouts=found.layouts,
        not_graded=tuple(found.warnings()), stale=sum(p.stale for p in picks), selection=rule)
    the_roster = rosters.load(roster) if roster else rosters.Roster()
    columns = {e: c for e in exercises if (c := the_roster.column_for(e, the_course.get(e).title))}
    files = class_report.RunFiles(points=points, identities=identities,
                                  late={k for k, p in after.items() if p.stored.late}, lms=lms, columns=columns,
                                  policy=Policy.load(the_course.root), compared=compared,
                                  notes=(f"Graded by grader {__version__}.",))
    written = class_report.write(out, run, files)
    summary.terminal(run, sys.stdout)
    unmatched = [s for s, i in identities.items() if roster and not i.matched]
    if lms and unmatched:
        click.echo(f"warning: {len(unmatched)} students are not in the roster ({', '.join(unmatched[:5])}); the LMS "
                   "may not find them", err=True)
    click.echo(f"\nWrote {out}/gradebook.csv, {out}/feedback/ ({len(written) - 3 - len(lms) - bool(compared)} "
               f"files), {out}/summary.md" + (f", {out}/similarity.md" if compared else "")
               + "".join(f", {out}/{name}.csv" for name in lms), err=True)


@click.command()
@click.argument("student")
@click.option("--exercise", "exercise_id", default=None, help="Only this exercise.")
@_out_option
@_store_option
@course_option
@click.pass_context
def history(ctx: click.Context, student: str, exercise_id: str | None, out: Path, store_path: Path | None) -> None:
    """Every grading of one student: when, which submission, which suite, the score, and why it changed.

    \b
    A submission and a suite are named by the start of their sha256; "counts" marks the result the gradebook
    uses (the latest submission, or the one chosen with 'grader choose').

    Example: grader history ana --out grades
    """
    import datetime

    from .. import history as histories
    from ..errors import UsageError
    from ..store import Store

    the_course = course(ctx)
    say_course(the_course)
    path = store_path or _default_store(out)
    if not path.is_file():
        raise UsageError(f"no results store at {path} (pass --store PATH, or the --out of 'grader grade')")
    with Store(path) as store:
        rows = store.history(student, exercise_id, superseded=True)
        if not rows:
            import difflib

            near = difflib.get_close_matches(student, store.students(), n=3)
            raise UsageError(f"no results for {student!r} in {path}" + (f"; did you mean {', '.join(near)}?"
                                                                        if near else ""))
        for exercise in sorted({r.key.exercise for r in rows}):
            current = ((the_course.get(exercise).digest(), _version()) if exercise in the_course.ids() else ("", ""))
            pick = store.pick(student, exercise, "latest", *current)
            theirs = [r for r in rows if r.key.exercise == exercise]
            how = "the chosen submission" if pick and pick.rule == "chosen" else "the latest submission"
            click.echo(f"{student} / {exercise}: {len(theirs)} gradings, {pick.versions if pick else 0} "
                       f"submissions; counts: {how}, {_n(pick.stored.result.score) if pick else '?'}"
                       f"/{_n(pick.stored.result.max_score) if pick else '?'}")
            previous = None
            for row in theirs:
                when = datetime.datetime.fromtimestamp(row.graded_at).strftime("%Y-%m-%d %H:%M:%S")
                marks = [m for m, on in (("late", row.late), ("superseded by a --force re-grade", row.superseded),
                                         ("counts", pick is not None and pick.stored == row)) if on]
                click.echo(f"  {when}  submission {row.key.submission_sha256[:10]}  suite "
                           f"{row.key.exercise_digest[:8]}  grader {row.key.grader_version}  "
                           f"{_n(row.result.score):>5}/{_n(row.result.max_score):<4} {row.source}"
                           + (f"  ({', '.join(marks)})" if marks else ""))
                if previous is not None and previous.result.score != row.result.score:
                    change = histories.explain(previous, row)
                    click.echo(f"      {_n(change.before)} → {_n(change.after)}: {'; '.join(change.causes)}")
                    for check in change.checks[:8]:
                        click.echo(f"        {check.id}: {check.before} → {check.after}")
                if not row.superseded:
                    previous = row


@click.command()
@click.argument("student")
@click.argument("exercise_id", metavar="EXERCISE")
@click.argument("submission", required=False)
@click.option("--clear", is_flag=True, help="Forget the choice: the --select rule applies again.")
@_out_option
@_store_option
def choose(student: str, exercise_id: str, submission: str | None, clear: bool, out: Path,
           store_path: Path | None) -> None:
    """Make one of a student's submissions the one that counts (SUBMISSION: the start of its sha256).

    \b
    'grader history STUDENT' lists the submissions; the next 'grader grade' uses the choice.

    Example: grader choose ana torch_cifar_cnn 3f2a9c --out grades
    """
    from ..errors import UsageError
    from ..store import Store

    path = store_path or _default_store(out)
    if not path.is_file():
        raise UsageError(f"no results store at {path} (pass --store PATH, or the --out of 'grader grade')")
    with Store(path) as store:
        if clear:
            done = store.unchoose(student, exercise_id)
            click.echo(f"{student} / {exercise_id}: " + ("choice cleared" if done else "nothing was chosen"))
            return
        if not submission:
            raise UsageError("name the SUBMISSION (the start of its sha256, see 'grader history') or pass --clear")
        version = store.choose(student, exercise_id, submission)
        click.echo(f"{student} / {exercise_id}: submission {version.submission_sha256[:10]} "
                   f"({_n(version.result.result.score)}/{_n(version.result.result.max_score)}, {version.source}) "
                   "counts from now on")


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercise", "exercise_id", default=None, help="Every file of FOLDER answers this exercise.")
@_out_option
@course_option
@click.pass_context
def similarity(ctx: click.Context, folder: Path, exercise_id: str | None, out: Path) -> None:
    """Compare the submissions of a class folder, exercise by exercise, without grading: OUT/similarity.md.

    Example: grader similarity examples/class --out grades
    """
    from ..discovery import discover
    from ..render import similarity as report
    from ..render.class_report import _replace

    the_course = course(ctx)
    say_course(the_course)
    found = discover(folder, the_course, exercise_id)
    pairs, compared = _similar(found, the_course)
    path = _replace(out / "similarity.md", report.write(pairs, compared))
    for line in report.summary_lines(pairs, limit=20) or ["no pair of submissions is alike enough to list"]:
        click.echo(line)
    click.echo(f"\nWrote {path}", err=True)


# ---- helpers ------------------------------------------------------------------------------------------------


def _show_discovery(found: Discovery) -> None:
    from ..wire import clean_text

    def say(line: str) -> None:  # file names come from students: no terminal escapes
        click.echo(clean_text(line))

    layouts = ", ".join(f"{n} {name}" for name, n in sorted(found.layouts.items())) or "none"
    say(f"{found.folder}: {len(found.students)} students, {len(found.entries)} files to grade (layouts: {layouts})")
    for entry in sorted(found.entries, key=lambda e: (e.student, e.exercise_id)):
        extra = [x for x in ((f"LMS id {entry.lms_id}" if entry.lms_id else ""), ("late" if entry.late else ""),
                             entry.submitted_at) if x]
        say(f"  {entry.student:<20} {entry.exercise_id:<28} {_relative(entry.path, found.folder)}"
            + (f"  ({', '.join(extra)})" if extra else ""))
    if found.conflicts:
        say("Conflicts (one file graded per student and exercise):")
        for c in found.conflicts:
            say(f"  {c.student} / {c.exercise_id}: graded {c.kept} ({c.rule}); not {', '.join(c.dropped)}")
    if found.skipped:
        say("Not graded:")
        for s in found.skipped:
            say(f"  {s.path}: {s.reason}" + ("  [quietly skipped]" if s.quiet else ""))


def _only(entries: Sequence[ClassEntry], students: Sequence[str]) -> list[ClassEntry]:
    if not students:
        return list(entries)
    from ..errors import UsageError

    known = {e.student for e in entries}
    for student in students:
        if student not in known:
            import difflib

            near = difflib.get_close_matches(student, sorted(known), n=3)
            raise UsageError(f"no student {student!r} in this folder" + (f"; did you mean {', '.join(near)}?"
                                                                          if near else ""))
    return [e for e in entries if e.student in students]


def _picks(store: Store, pairs: Sequence[tuple[str, str]], rule: str, current: dict[str, tuple[str, str]]
           ) -> dict[tuple[str, str], Pick]:
    picks = {}
    for student, exercise in pairs:
        pick = store.pick(student, exercise, rule, *current[exercise])  # type: ignore[arg-type]
        if pick is not None:
            picks[(student, exercise)] = pick
    return picks


def _similar(found: Discovery, the_course: Course) -> tuple[list, dict[str, int]]:
    """Similar pairs per exercise, from every readable submission of the folder (read as text, never run)."""
    from .. import similarity as similarities
    from .. import submission as submissions
    from ..errors import SubmissionError

    pairs: list = []
    compared: dict[str, int] = {}
    for exercise_id in sorted({e.exercise_id for e in found.entries}):
        exercise = the_course.get(exercise_id)
        sources = {}
        for entry in found.entries:
            if entry.exercise_id == exercise_id:
                try:
                    sources[entry.student] = submissions.load(entry.path, exercise_id).source
                except SubmissionError:
                    continue
        stub = exercise.stub.read_text(encoding="utf-8") if exercise.stub.is_file() else ""
        compared[exercise_id] = len(sources)
        pairs.extend(similarities.compare(exercise_id, sources, stub))
    return pairs, compared


def _default_store(out: Path) -> Path:
    return out.resolve().parent / ".grader" / "results.sqlite"


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def _version() -> str:
    from .. import __version__

    return __version__


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
