"""Gradescope's results.json, validated against its specification's fields and values."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from grader.render import WRITERS, gradescope
from grader.render.visibility import Policy

from .samples import LATER, RESULT, SECRET

SCHEMA = json.loads(Path(__file__).with_name("gradescope_results.schema.json").read_text())


def test_valid_and_complete() -> None:
    data = gradescope.to_data([RESULT], points={"bigram": 100})
    jsonschema.validate(data, SCHEMA)
    assert {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
            "tests"} <= set(data)
    assert (data["score"], data["execution_time"], data["output_format"]) == (35, 1.5, "md")
    assert data["stdout_visibility"] == "hidden"
    for test in data["tests"]:
        assert {"name", "number", "score", "max_score", "status", "output", "visibility", "tags"} <= set(test)
    assert [t["number"] for t in data["tests"]] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
    assert len({t["name"] for t in data["tests"]}) == 6


def test_visibility_maps_onto_gradescopes() -> None:
    tests = {t["extra_data"]["check"]: t for t in gradescope.to_data([RESULT])["tests"]}
    assert tests["test_words"]["visibility"] == "visible"
    assert "Known bug seen: Words glued" in tests["test_words"]["output"]
    assert tests["test_words"]["tags"] == ["bigram", "bug:no-separator"]
    # hidden: the name and points are shown, the details never are
    assert tests["test_secret"]["visibility"] == "visible"
    assert tests["test_secret"]["output"] == "The details of this check are hidden."
    assert tests["test_secret"]["tags"] == ["bigram"]
    # after_due_date: Gradescope itself withholds the whole test until then
    assert tests["test_later"]["visibility"] == "after_due_date" and tests["test_later"]["output"] == LATER
    assert tests["test_public"]["output"].endswith("Output of your code during this public check:\nprinted by "
                                                   "student ```")


def test_the_always_visible_summary_holds_nothing_withheld() -> None:
    due_passed = Policy(due={"*": datetime(2000, 1, 1, tzinfo=UTC)})
    output = gradescope.to_data([RESULT], policy=due_passed)["output"]
    assert SECRET not in output and LATER not in output and "hidden-bug" not in output
    assert "Words glued" in output and "1 hidden check (20 points) is graded after the due date" in output


def test_the_course_policy_applies() -> None:
    data = gradescope.to_data([RESULT], policy=Policy(overrides={"bigram::test_later": "after_published"}))
    assert next(t for t in data["tests"] if t["extra_data"]["check"] == "test_later")["visibility"] == \
        "after_published"


def test_nothing_graded_still_gives_valid_results() -> None:
    data = gradescope.to_data([], output="No solution file found.")
    jsonschema.validate(data, SCHEMA)
    assert data["score"] == 0 and data["tests"] == [] and data["output"].startswith("No solution file found.")


def test_writer_is_registered() -> None:
    stream = io.StringIO()
    WRITERS["gradescope"]([RESULT], stream)
    jsonschema.validate(json.loads(stream.getvalue()), SCHEMA)
