"""Commands that grade outside the instructor's trusted machine, and the check of what they reported.

``ci`` grades a student's repository in its CI (GitHub Actions, GitLab CI, Gradescope's container);
``check`` runs only the public checks (what a student bundle can run); ``compare-ci`` puts the scores CI
reported next to the instructor's own re-grade. A CI score is feedback, not a grade: see ``grader/ci.py``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from .options import course, course_option, open_pool, sandbox_options, say_course

_FEEDBACK_NOTE = ("This score was computed in your repository's CI: it is feedback, not your grade. Your "
                  "instructor re-grades the submitted files on their own machine.")


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("grader-junit.xml"), show_default=True, help="Where to write the JUnit XML report.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the Markdown summary (default: appended to $GITHUB_STEP_SUMMARY when set, "
                   "else grader-summary.md).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("grader-results.json"), show_default=True,
              help="Where to write the results with the digest of the suites (what compare-ci reads).")
@click.option("--gradescope", "gradescope_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write Gradescope's results.json here.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit with status 1 if the score (over the checks shown) is below this percentage.")
@click.option("--expect-digest", envvar="GRADER_EXPECT_DIGEST", default=None, metavar="SHA256",
              help="Fail unless the exercise suites are exactly these (the digest `grader export` printed; "
                   "env GRADER_EXPECT_DIGEST).")
@click.option("--student", envvar="GRADER_STUDENT", default=None,
              help="Who this is (default: $GITHUB_ACTOR or $GITLAB_USER_LOGIN; self-reported, never trusted).")
@click.option("--audience", type=click.Choice(["student", "instructor"]), default="student", show_default=True,
              help="Whose view to write: a student sees only what each check's visibility allows.")
@course_option
@sandbox_options
@click.pass_context
def ci(ctx: click.Context, path: Path, junit_path: Path, summary_path: Path | None, json_path: Path,
       gradescope_path: Path | None, fail_under: float | None, expect_digest: str | None, student: str | None,
       audience: str, jobs: int | None, unsafe: bool) -> None:
    """Grade the solutions in a repository, for its CI: JUnit XML, a Markdown summary, a table.

    \b
    Finds each exercise's file: [exercises] in PATH/grader.toml, a header line
    "# exercise: ID" in a file's first lines, or the file name ID.py/.ipynb/.zip.
    Exit status 1 under --fail-under, when the suites are not --expect-digest,
    or when no solution file is found.

    Example: grader ci . --fail-under 50
    """
    from .. import __version__, batch
    from .. import ci as ci_lib
    from ..discovery import ClassEntry
    from ..render.visibility import Policy, show

    the_course = course(ctx)
    say_course(the_course)
    digest = ci_lib.suites_digest(the_course)
    facts = ci_lib.environment_facts()
    student = student or facts["student"] or None
    if expect_digest and expect_digest.strip().lower() != digest:
        raise click.ClickException(f"the exercise suites here ({digest[:16]}…) are not the expected ones "
                                   f"({expect_digest.strip()[:16]}…): update the grader bundle this CI installs")
    found, warnings = ci_lib.discover(path, the_course)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    notes = [_FEEDBACK_NOTE if audience == "student" else "The instructor's view: every check is shown.",
             f"grader {__version__} · exercise suites sha256 {digest}"]
    outputs = _Outputs(junit_path, summary_path, json_path, gradescope_path, notes)
    if not found:
        why = (f"No solution file found in {path}: name each file after its exercise (ID.py, ID.ipynb or "
               f"ID.zip), start it with a line '# exercise: ID', or list it in {ci_lib.CONFIG_FILE}. "
               f"The exercises: {', '.join(the_course.ids())}.")
        outputs.nothing_found(why)
        raise click.ClickException(why)
    entries = [ClassEntry(student or "student", f.exercise_id, f.path) for f in found]
    with open_pool(the_course, jobs, unsafe) as pool:
        graded = sorted((g.result for g in batch.grade_many(entries, the_course, pool)), key=lambda r: r.exercise)
    points = {i: the_course.get(i).points for i in {r.exercise for r in graded}}
    policy = Policy.load(the_course.root)
    shown = [show(r, audience, policy, points=points[r.exercise]) for r in graded]  # type: ignore[arg-type]
    report = ci_lib.CiReport(tuple(s.result for s in shown), digest, student, __version__, facts["repository"],
                             facts["commit"])
    outputs.write(shown, report, graded, policy, points)
    score, most = sum(s.result.score for s in shown), sum(s.result.max_score for s in shown)
    percent = 100 * score / most if most else 0.0
    if fail_under is not None and percent < fail_under:
        click.echo(f"score {percent:.1f}% is under --fail-under {fail_under:g}%", err=True)
        ctx.exit(1)


@click.command()
@click.argument("exercise_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit with status 1 if the score of the public checks is below this percentage.")
@course_option
@sandbox_options
@click.pass_context
def check(ctx: click.Context, exercise_id: str, file: Path, fail_under: float | None, jobs: int | None,
          unsafe: bool) -> None:
    """Run only the public checks of an exercise on a file (what a student bundle can run).

    The score covers the public checks; the instructor's hidden checks give the rest.

    Example: grader check bigram_text_generator my_solution.py
    """
    import tempfile

    from .. import engine
    from ..authoring import export
    from ..exercise import load
    from ..render import terminal
    from ..render.visibility import Policy, show

    the_course = course(ctx)
    exercise = the_course.get(exercise_id)
    with tempfile.TemporaryDirectory(prefix="grader-public-") as scratch:
        export.write_public_exercise(exercise, Path(scratch))
        public = load(Path(scratch) / exercise.id)
        with open_pool(the_course, jobs or 1, unsafe) as pool:
            result = engine.grade_file(public, file, pool)
    shown = show(result, "student", Policy.load(the_course.root), points=exercise.points)
    terminal.write([shown.result], sys.stdout)
    click.echo(shown.score_line())
    unreadable = any(c.cause == "unreadable" for c in result.checks)
    if unreadable or (fail_under is not None and 100 * shown.result.fraction < fail_under):
        ctx.exit(1)


@click.command("compare-ci")
@click.argument("ci_folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--expect-digest", default=None, metavar="SHA256",
              help="Mark CI reports made with other exercise suites than these.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the comparison as Markdown to this file.")
def compare_ci(ci_folder: Path, results: Path, expect_digest: str | None, out: Path | None) -> None:
    """Compare the scores students' CI reported with the instructor's re-grade.

    \b
    CI_FOLDER holds the collected grader-results.json files, one per student:
    CI_FOLDER/<student>.json or CI_FOLDER/<student>/grader-results.json (the
    folder's or file's name is the student, as in the class folder graded).
    RESULTS is the instructor's results.jsonl from `grader grade`.
    Exit status 1 when any student's CI score differs from the re-grade.

    Example: grader compare-ci collected/ grader-out/results.jsonl
    """
    from .. import ci as ci_lib
    from ..render import markdown

    rows = ci_lib.compare(ci_lib.load_ci_reports(ci_folder), ci_lib.load_results(results), expect_digest)
    text = markdown.comparison(rows)
    click.echo(text)
    if out is not None:
        _write(out, text)
    flagged = sorted({r.student for r in rows if r.flagged})
    if flagged:
        click.echo(f"{len(flagged)} student(s) whose CI score differs from the re-grade: {', '.join(flagged)}",
                   err=True)
        sys.exit(1)


class _Outputs:
    """The files ``grader ci`` writes, and the table it prints."""

    def __init__(self, junit_path: Path, summary_path: Path | None, json_path: Path, gradescope_path: Path | None,
                 notes: list[str]) -> None:
        self.junit_path, self.summary_path, self.json_path = junit_path, summary_path, json_path
        self.gradescope_path, self.notes = gradescope_path, notes

    def write(self, shown: list, report: Any, graded: list, policy: Any, points: dict[str, float]) -> None:
        from ..render import gradescope, junit, markdown

        properties = {"suites_sha256": report.suites_digest, "grader_version": report.grader_version}
        _write(self.junit_path, junit.document(shown, properties=properties))
        _write(self.json_path, json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        if self.gradescope_path is not None:
            data = gradescope.to_data(graded, policy=policy, points=points, extra=properties)
            _write(self.gradescope_path, json.dumps(data, indent=2, ensure_ascii=False))
        target, mode, used = self._summary_target()
        text = markdown.render(shown, title="grader", notes=self.notes,
                               limit=max(markdown.MAX_BYTES - used - 1024, 4096))
        with target.open(mode, encoding="utf-8") as f:
            f.write(text + "\n")
        _print_table(shown, self.notes)

    def nothing_found(self, why: str) -> None:
        """Say so where the reader looks: the step summary, and Gradescope's results (a zero, with the reason)."""
        from ..render import gradescope

        if self.gradescope_path is not None:
            _write(self.gradescope_path, json.dumps(gradescope.to_data([], output=why), indent=2))
        target, mode, _ = self._summary_target()
        with target.open(mode, encoding="utf-8") as f:
            f.write(f"## grader: nothing graded\n\n{why}\n\n")

    def _summary_target(self) -> tuple[Path, str, int]:
        """``--summary``, else GitHub's step summary (appended, within its 1 MiB), else grader-summary.md."""
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if self.summary_path is None and step_summary:
            target = Path(step_summary)
            return target, "a", target.stat().st_size if target.exists() else 0
        target = self.summary_path or Path("grader-summary.md")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target, "w", 0


def _print_table(shown: list, notes: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="grader", header_style="bold")
    for name, justify in (("exercise", "left"), ("file", "left"), ("score", "right"), ("checks passed", "right"),
                          ("known bugs seen", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in shown:
        r = s.result
        table.add_row(r.exercise, r.submission, f"{r.score:g}/{r.max_score:g}",
                      f"{sum(c.outcome == 'passed' for c in r.checks)}/{len(r.checks)}",
                      ", ".join(b.id for b in r.bugs_found) or "none")
    console = Console(file=sys.stdout, highlight=False, width=max(Console(file=sys.stdout).width, 100))
    console.print(table)
    for s in shown:
        console.print(f"{s.result.exercise}: {s.score_line()}", markup=False)
    for note in notes:
        console.print(note, style="dim", markup=False)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
