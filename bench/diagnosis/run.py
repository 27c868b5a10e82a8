"""Diagnosis benchmark: does a report name the right known bug, and only on evidence?

For every exercise of the course (``Course.ids()``, so exercises added later are
picked up without touching this file) it grades, in this process, with
``grader.engine.grade_file`` on a worker pool opened as ``grader verify`` opens
it (the workers see neither the course nor the grader's caches):

- every mutant ``exercises/<id>/mutants/<bug>.py`` (the solution with exactly
  that bug put back): its report should name exactly ``<bug>``;
- every ``tests/submissions/<id>/buggy_*.py`` (a plausible mistake): its
  report should name no catalogued bug, or exactly those that its first line
  declares (``# expect-bugs: id``: a catalogued bug written another way);
- with ``--correct``, also every ``correct_*.py``: full marks, no bug named.

"Named" counts a bug named for certain and a "one of" group alike (as
``grader verify`` does). From the same results it also shows what the rule
before diagnosis on evidence would have named (every bug guarded by a check
that did not pass, unless the import failed), so that both can be compared.
That column is the old rule applied to today's check outcomes: a check that
now recognises an import error itself (``observe.error``) instead of letting
it block counts there as a failing check, where the old rule skipped it.

Usage (from the repository root)::

    .venv/bin/python bench/diagnosis/run.py                  # every exercise
    .venv/bin/python bench/diagnosis/run.py ID [ID ...]      # some exercises
    .venv/bin/python bench/diagnosis/run.py --write-readme   # also record the figures in README.md
    .venv/bin/python bench/diagnosis/run.py --json out.json  # every graded file, for a closer look
    .venv/bin/python bench/diagnosis/run.py -j 1             # one worker slot (default: every CPU)

Set ``GRADER_CACHE_DIR`` to keep the reference observations in a private cache.
Exit status 1 when a mutant does not name exactly its bug or at least 10 % of
the buggy submissions are misnamed (name a bug they do not declare, or miss one they do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's grader, also when run with another working directory

from grader import engine  # noqa: E402
from grader.exercise import Course, Exercise  # noqa: E402
from grader.reference import cache_dir  # noqa: E402
from grader.results import PairResult  # noqa: E402
from grader.sandbox import Pool  # noqa: E402
from tests.expected_bugs import expected_bugs  # noqa: E402

SUBMISSIONS = ROOT / "tests" / "submissions"
README = HERE / "README.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
TARGET_NAMED = 0.10  # at most this share of the buggy submissions may name a catalogued bug


@dataclass
class Graded:
    """One graded file and what its report named, now and under the rule before."""

    exercise: str
    kind: str  # "mutant", "buggy" or "correct"
    file: str
    want: str  # the mutant's bug id; a buggy file's "# expect-bugs:" ids, comma-separated; "" otherwise
    score: float
    max_score: float
    named: list[str]
    named_before: list[str]
    seconds: float
    errors: list[str]

    @property
    def ok(self) -> bool:
        if self.kind == "mutant":
            return self.named == [self.want]
        if self.kind == "buggy":
            return sorted(self.named) == _ids(self.want)
        return not self.named and self.score == self.max_score

    @property
    def ok_before(self) -> bool:
        if self.kind == "mutant":
            return self.named_before == [self.want]
        return sorted(self.named_before) == _ids(self.want)


def _ids(want: str) -> list[str]:
    return sorted(i for i in want.split(",") if i)



@dataclass
class Tally:
    exercise: str
    rows: list[Graded] = field(default_factory=list)

    def of(self, kind: str) -> list[Graded]:
        return [r for r in self.rows if r.kind == kind]


def named_now(result: PairResult) -> list[str]:
    """Every bug the report names: for certain, or as "one of" (written "a|b"), as verify counts them."""
    return [b.id for b in result.bugs_found] + ["|".join(b.id for b in p.bugs) for p in result.bugs_possible]


def named_by_tags(exercise: Exercise, result: PairResult) -> list[str]:
    """What the rule before diagnosis on evidence named: each bug guarded by a check that did not pass."""
    failing = {b for c in result.checks if c.outcome != "passed" and c.cause != "import" for b in c.guards}
    return [b.id for b in exercise.bugs if b.id in failing]


def grade(exercise: Exercise, kind: str, path: Path, want: str, pool: Pool) -> Graded:
    started = time.perf_counter()
    try:
        result = engine.grade_file(exercise, path, pool)
    except Exception as e:  # noqa: BLE001 - e.g. the reference solution does not run: one row, not the run
        return Graded(exercise.id, kind, path.name, want, 0.0, exercise.points, [], [],
                      round(time.perf_counter() - started, 2), [f"not graded: {type(e).__name__}: {e}"])
    return Graded(exercise.id, kind, path.name, want, result.score, result.max_score, named_now(result),
                  named_by_tags(exercise, result), round(time.perf_counter() - started, 2), list(result.errors))


def files(exercise: Exercise, correct: bool) -> list[tuple[str, Path, str]]:
    """(kind, path, the mutant's bug id) of every file to grade for ``exercise``."""
    jobs = [("mutant", path, bug_id) for bug_id, path in exercise.mutants.items()]
    folder = SUBMISSIONS / exercise.id
    jobs += [("buggy", path, ",".join(expected_bugs(path))) for path in sorted(folder.glob("buggy_*.py"))]
    if correct:
        jobs += [("correct", path, "") for path in sorted(folder.glob("correct_*.py"))]
    return jobs


def bench(exercises: list[Exercise], correct: bool, pool: Pool, say) -> list[Tally]:
    """Grade every file of every exercise on every slot of ``pool``; one tally per exercise, files in order."""
    work = [(exercise, *job) for exercise in exercises for job in files(exercise, correct)]
    with ThreadPoolExecutor(max_workers=pool.jobs) as executor:
        futures = [executor.submit(grade, exercise, kind, path, want, pool)
                   for exercise, kind, path, want in work]
        for future in as_completed(futures):
            row = future.result()
            shown = ", ".join(row.named) or "-"
            say(f"  {row.exercise:<26} {row.kind:<7} {row.file:<40} {row.score:>5g}/{row.max_score:<4g} "
                f"named: {shown:<30} {'ok' if row.ok else 'WRONG'}  {row.seconds:.1f} s"
                + (f"  [{row.errors[0][:100]}]" if row.errors and not row.ok else ""))
    tallies = {exercise.id: Tally(exercise.id) for exercise in exercises}
    for future in futures:
        row = future.result()
        tallies[row.exercise].rows.append(row)
    return list(tallies.values())


def _ratio(n: int, total: int) -> str:
    return f"{n}/{total}" + (f" ({100 * n / total:.0f} %)" if total else "")


def table(tallies: list[Tally], correct: bool) -> list[str]:
    """The figures as Markdown lines: one row per exercise, a total, then every miss."""
    head = ["exercise", "mutants exact", "buggy misnamed", "before: mutants exact", "before: buggy misnamed"]
    if correct:
        head.insert(3, "correct clean")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(name: str, rows: list[Graded]) -> str:
        mutants = [r for r in rows if r.kind == "mutant"]
        buggy = [r for r in rows if r.kind == "buggy"]
        good = [r for r in rows if r.kind == "correct"]
        cells = [name,
                 _ratio(sum(r.ok for r in mutants), len(mutants)),
                 _ratio(sum(not r.ok for r in buggy), len(buggy)),
                 _ratio(sum(r.ok_before for r in mutants), len(mutants)),
                 _ratio(sum(not r.ok_before for r in buggy), len(buggy))]
        if correct:
            cells.insert(3, _ratio(sum(r.ok for r in good), len(good)))
        return "| " + " | ".join(cells) + " |"

    for tally in tallies:
        lines.append(row(f"`{tally.exercise}`", tally.rows))
    lines.append(row("**all**", [r for t in tallies for r in t.rows]))
    misses = [r for t in tallies for r in t.rows if not r.ok]
    lines.append("")
    if misses:
        lines.append("Misses (now):")
        lines.append("")
        for r in misses:
            what = f"names {', '.join(r.named) or 'nothing'}"
            if r.kind == "mutant":
                what += f" (should name exactly {r.want})"
            elif r.kind == "buggy" and r.want:
                what += f" (its first line declares {r.want})"
            elif r.kind == "correct":
                what += f", score {r.score:g}/{r.max_score:g}"
            if r.errors:
                what += f" (run: {r.errors[0][:120]})"
            lines.append(f"- `{r.exercise}` {r.kind} `{r.file}`: {what}")
    else:
        lines.append("No misses: every mutant names exactly its bug and no buggy submission is misnamed.")
    before = [r for t in tallies for r in t.rows if r.kind != "correct" and not r.ok_before]
    if before:
        lines += ["", "What the rule before (every bug guarded by a failing check) named wrongly:", ""]
        for r in before:
            lines.append(f"- `{r.exercise}` {r.kind} `{r.file}`: {', '.join(r.named_before) or 'nothing'}")
    return lines


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.node()} ({platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()})")


def write_readme(lines: list[str], ids: list[str], seconds: float, jobs: int) -> None:
    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    block = [START,
             f"Recorded {stamp} on {machine()}; {len(ids)} exercise(s): {', '.join(ids)}; "
             f"{seconds:.0f} s in all with {jobs} worker slot(s).",
             "", *lines, END]
    text = README.read_text(encoding="utf-8") if README.exists() else f"# Diagnosis benchmark\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(head + "\n".join(block) + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="exercise ids (default: every exercise of the course)")
    parser.add_argument("--correct", action="store_true", help="also grade tests/submissions/<id>/correct_*.py")
    parser.add_argument("--write-readme", action="store_true", help=f"record the figures in {README.name}")
    parser.add_argument("--json", type=Path, help="write every graded file's figures to this file")
    parser.add_argument("--quiet", action="store_true", help="no line per graded file")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker slots in parallel (default: every CPU)")
    parser.add_argument("--unsafe", action="store_true",
                        help="run even where the sandbox cannot be built (your own files only)")
    args = parser.parse_args(argv)

    course = Course(ROOT)
    ids = args.ids or course.ids()
    exercises = [course.get(i) for i in ids]
    # The judge redirects sys.stderr while pytest runs in another thread: keep the real stream.
    err = sys.stderr
    say = (lambda _: None) if args.quiet else (lambda line: print(line, file=err, flush=True))
    started = time.perf_counter()
    # As `grader verify` opens it: the workers see neither the course nor the grader's caches.
    with Pool(args.jobs, unsafe=args.unsafe, hidden=(*course.hidden_folders, cache_dir())) as pool:
        pool.prepare({exercise.preload for exercise in exercises})
        tallies = bench(exercises, args.correct, pool, say)
    seconds = time.perf_counter() - started

    lines = table(tallies, args.correct)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ | {"ok": r.ok} for t in tallies for r in t.rows], indent=1))
    if args.write_readme:
        write_readme(lines, ids, seconds, pool.jobs)
    rows = [r for t in tallies for r in t.rows]
    buggy = [r for r in rows if r.kind == "buggy"]
    named_share = sum(not r.ok for r in buggy) / len(buggy) if buggy else 0.0
    mutants_exact = all(r.ok for r in rows if r.kind == "mutant")
    return 0 if mutants_exact and named_share < TARGET_NAMED else 1


if __name__ == "__main__":
    sys.exit(main())
