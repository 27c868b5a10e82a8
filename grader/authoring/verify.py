"""For exercise authors: prove an exercise sound (``grader verify``).

Soundness, per exercise (``docs/authoring.md``):
- the manifest's points equal the checks' points; every known bug has a check
  and a mutant, and every mutant names a known bug;
- the reference solution scores full marks, and two runs of it observe exactly
  the same values (everything seeded);
- the stub scores 0;
- every ``original*.py`` fails every check tagged with any known bug;
- every mutant fails every check tagged with its bug, and its report names
  exactly that bug (diagnosis on evidence, ``grader/diagnosis.py``);
- the solution's report names no bug, and no check ever names a bug it does
  not guard;
- the public checks can be shipped in a student bundle (``export.public_problems``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import engine, judge, reference
from .. import submission as submissions
from ..exercise import Exercise
from ..results import PairResult
from ..sandbox import Pool
from ..wire import IMPORT_KEY
from .export import public_problems


@dataclass(frozen=True, slots=True)
class Finding:
    """One soundness claim about one file, and whether it holds."""

    subject: str
    claim: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class VerifyReport:
    exercise: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)


def verify(exercise: Exercise, pool: Pool, progress: Callable[[str], None] | None = None) -> VerifyReport:
    """Check every soundness claim of ``exercise``; never stops at the first failure."""
    say = progress or (lambda _: None)
    findings: list[Finding] = []
    specs = judge.collect(exercise)
    findings.extend(_static_findings(exercise, specs))
    if exercise.solution is None:
        findings.append(Finding("solution", "exists", False, f"no solutions/{exercise.id}.py"))
        return VerifyReport(exercise.id, tuple(findings))

    say(f"{exercise.id}: grading the solution (the reference run, then a second run to compare)")
    solution = submissions.load(exercise.solution, exercise.id)
    first = reference.record(exercise, pool)
    # Everything else is independent: graded on every slot of the pool at once.
    with ThreadPoolExecutor(max_workers=pool.jobs) as executor:
        second = executor.submit(pool.run, exercise, solution)
        graded_solution = executor.submit(engine.grade, exercise, solution, pool)
        stub = executor.submit(engine.grade_file, exercise, exercise.stub, pool)
        originals = [(o, executor.submit(engine.grade_file, exercise, o, pool)) for o in exercise.originals]
        mutants = [(bug_id, path, executor.submit(engine.grade_file, exercise, path, pool))
                   for bug_id, path in exercise.mutants.items() if exercise.bug(bug_id) is not None]
        say(f"{exercise.id}: grading the stub, {len(originals)} original(s) and {len(mutants)} mutant(s)")

        result = graded_solution.result()
        findings.append(Finding("solution", "scores full marks", result.score == result.max_score,
                                _failures(result)))
        findings.append(Finding("solution", "names no known bug", not _named(result), ", ".join(_named(result))))
        graded = [result]
        differing = sorted(k for k in set(first.observations) | set(second.result().observations)
                           if first.observations.get(k) != second.result().observations.get(k) and k != IMPORT_KEY)
        stable = first.plan == second.result().plan and not differing
        findings.append(Finding("solution", "observes identical values on two runs", stable,
                                "differs in " + ", ".join(differing[:5]) if differing else ""))

        graded.append(stub.result())
        findings.append(Finding("stub.py", "scores 0", stub.result().score == 0,
                                ", ".join(c.id for c in stub.result().checks if c.outcome == "passed")))

        all_bug_checks = {s.id for s in specs if s.bugs}
        for original, future in originals:
            result = future.result()
            graded.append(result)
            passing = sorted(c.id for c in result.checks if c.id in all_bug_checks and c.outcome == "passed")
            findings.append(Finding(original.name, "fails every check of every known bug", not passing,
                                    "passes " + ", ".join(passing) if passing else f"score {result.score:g}"))

        for bug_id, path, future in mutants:
            result = future.result()
            graded.append(result)
            tagged = {s.id for s in specs if bug_id in s.bugs}
            passing = sorted(c.id for c in result.checks if c.id in tagged and c.outcome == "passed")
            findings.append(Finding(f"mutants/{path.name}", f"fails every check of '{bug_id}'", not passing,
                                    "passes " + ", ".join(passing)))
            named = _named(result)
            findings.append(Finding(f"mutants/{path.name}", f"report names exactly '{bug_id}'",
                                    named == [bug_id], "names " + (", ".join(named) or "nothing")))

    stray = sorted({f"{c.id} names {b}" for r in graded for c in r.checks for b in c.evidence if b not in c.guards})
    findings.append(Finding("checks", "name only bugs they guard", not stray, "; ".join(stray)))
    return VerifyReport(exercise.id, tuple(findings))


def _named(result: PairResult) -> list[str]:
    """Every bug the report names: for certain, or as "one of" (written "a|b")."""
    return [b.id for b in result.bugs_found] + ["|".join(b.id for b in p.bugs) for p in result.bugs_possible]


def _static_findings(exercise: Exercise, specs: tuple[judge.CheckSpec, ...]) -> list[Finding]:
    findings = []
    total = sum(s.points for s in specs)
    findings.append(Finding("exercise.toml", "points equal the checks' total", total == exercise.points,
                            f"manifest {exercise.points:g}, checks {total:g}"))
    for name in ("README.md", "stub.py", "probes.py"):
        findings.append(Finding(name, "exists", (exercise.root / name).is_file()))
    if exercise.from_scratch and not exercise.originals:
        findings.append(Finding("original.py", 'not needed: no seed snippet (source = "none")', True))
    else:
        findings.append(Finding("original.py", "exists", bool(exercise.originals)))
    for bug in exercise.bugs:
        checks = [s.id for s in specs if bug.id in s.bugs]
        findings.append(Finding(f"bug {bug.id}", "has a check", bool(checks)))
        findings.append(Finding(f"bug {bug.id}", "has a mutant", bug.id in exercise.mutants))
    for bug_id in exercise.mutants:
        if exercise.bug(bug_id) is None:
            findings.append(Finding(f"mutants/{bug_id}.py", "names a known bug", False))
    problems = public_problems(exercise)
    findings.append(Finding("public/", "can be shipped to students (grader export)", not problems,
                            "; ".join(problems)))
    return findings


def _failures(result: PairResult) -> str:
    failed = [f"{c.id}: {c.message}" for c in result.checks if c.outcome != "passed"]
    return "; ".join(failed)[:600]
