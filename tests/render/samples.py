"""Results to render: every outcome, every visibility, hostile text, a class of students."""

from __future__ import annotations

import dataclasses

from grader.results import BugFinding, CheckResult, PairResult, PossibleBugs

SECRET = "SECRET-expected-42"
LATER = "LATER-message"
HOSTILE = "got 1 | <script>alert(1)</script> ``` \x01\x1b[31m & **bold** \ud800"

CHECKS = (
    CheckResult("test_words", "Words are separated", 0, 15, "failed", f"Expected 11 words, {HOSTILE}.",
                ("no-separator",), ("no-separator",), seconds=0.002),
    CheckResult("test_corpus", "Follows the corpus", 25, 25, "passed", "", seconds=0.001),
    CheckResult("test_public", "Public shape check", 0, 10, "missing", "Your code produced no result here.",
                public=True, output="printed by student\x00 ```\n"),
    CheckResult("test_secret", "Secret check", 0, 20, "failed", SECRET, ("hidden-bug",), ("hidden-bug",),
                visibility="hidden"),
    CheckResult("test_later", "Later check", 0, 20, "error", LATER, visibility="after_due_date"),
    CheckResult("test_twin", "Follows the corpus", 10, 10, "passed", ""),
)
RESULT = PairResult(
    "bigram", "Bigram generator", "me.py", "ann", 35, 100, CHECKS,
    (BugFinding("no-separator", "Words glued", "Use ' '.join.", ("test_words",)),
     BugFinding("hidden-bug", "A bug only a hidden check sees", f"explains {SECRET}", ("test_secret",))),
    (PossibleBugs((BugFinding("a-bug", "Bug A", "Explains A.", ("test_words",)),
                   BugFinding("b-bug", "Bug B", "Explains B.", ("test_words",))), ("test_words",)),),
    errors=("probe 'x' timed out",), isolation="test isolation", timings={"total": 1.5},
    submission_sha256="abc", grader_version="0.1.0")


def classroom(n: int = 40) -> list[PairResult]:
    """``n`` students on two exercises with spread scores, bugs and times."""
    results = []
    for i in range(n):
        for exercise, most in (("bigram", 100.0), ("metrics", 50.0)):
            score = float((i * 37) % int(most + 1))
            bugs = (BugFinding("no-separator", "Words glued", "Use ' '.join.", ("test_words",)),) if i % 3 else ()
            results.append(dataclasses.replace(
                RESULT, exercise=exercise, student=f"student{i:02d}", score=score, max_score=most,
                bugs_found=bugs, bugs_possible=(), timings={"total": 0.2 + (i % 7) * 0.4}))
    return results
