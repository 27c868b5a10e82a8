"""Renderers read results and write formats; they never run anything."""

from __future__ import annotations

import io
import json

from grader.render import WRITERS, csv_gradebook, terminal
from grader.results import BugFinding, CheckResult, PairResult, PossibleBugs

CHECKS = (
    CheckResult("test_a", "Words are separated", 0, 15, "failed", "Expected 11 words, got 1.", ("no-separator",),
                ("no-separator",)),
    CheckResult("test_b", "Follows the corpus", 25, 25, "passed", ""),
    CheckResult("test_c", "Public shape check", 0, 10, "missing", "Your code produced no result here.", (),
                public=True, output="printed by student\n"),
)
RESULT = PairResult("bigram", "Bigram generator", "me.py", "ann", 25, 50, CHECKS,
                    (BugFinding("no-separator", "Words glued", "Use ' '.join.", ("test_a",)),),
                    (PossibleBugs((BugFinding("a-bug", "Bug A", "Explains A.", ("test_d",)),
                                   BugFinding("b-bug", "Bug B", "Explains B.", ("test_d",))), ("test_d",)),),
                    errors=("probe 'x' timed out",), isolation="test isolation")


def test_terminal_report_for_a_student() -> None:
    stream = io.StringIO()
    terminal.write([RESULT], stream, color=False, width=100)
    text = stream.getvalue()
    for fragment in ("ann: me.py   score 25/50", "Expected 11 words, got 1.", "Words glued", "Use ' '.join.",
                     "probe 'x' timed out", "printed by student", "Isolation: test isolation", "no-separator",
                     "One of these", "Bug A", "Explains B."):
        assert fragment in text


def test_json_round_trips_through_the_model() -> None:
    stream = io.StringIO()
    WRITERS["json"]([RESULT], stream)
    data = json.loads(stream.getvalue())
    assert data["schema_version"] == 2
    assert data["bugs_possible"][0]["one_of"][1]["id"] == "b-bug"
    assert PairResult.from_dict(data) == RESULT


def test_several_results_are_wrapped() -> None:
    stream = io.StringIO()
    WRITERS["json"]([RESULT, RESULT], stream)
    assert len(json.loads(stream.getvalue())["results"]) == 2


def test_gradebook_leaves_missing_exercises_empty() -> None:
    other = PairResult("metrics", "Metrics", "m.py", "bob", 100, 100, ())
    stream = io.StringIO()
    csv_gradebook.write([RESULT, other], stream)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "student,bigram,metrics,total,max_total,percent,errors"
    assert lines[1] == "ann,25,,25,150,16.7,1"
    assert lines[2] == "bob,,100,100,150,66.7,0"
