"""JUnit XML, validated the way its consumers read it: Jenkins' schema, junitparser, GitLab's parser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import junitparser
import xmlschema

from grader.render import WRITERS, junit

from .samples import LATER, RESULT, SECRET, classroom

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("junit-10.xsd"))


def gitlab_cases(text: str) -> list[dict[str, Any]]:
    """What GitLab's parser (lib/gitlab/ci/parsers/test/junit.rb) takes from each testcase: suite name,
    classname, name, status from the first of failure/error/skipped, and as details that element's body
    (Rails' Hash.from_xml keeps an element's text, not its attributes, when it has text)."""
    cases = []
    for suite in ET.fromstring(text).iter("testsuite"):
        for case in suite.findall("testcase"):
            status, output = "success", None
            for tag, name in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
                element = case.find(tag)
                if element is not None:
                    status, output = name, element.text if element.text else dict(element.attrib)
                    break
            cases.append({"suite_name": suite.get("name"), "classname": case.get("classname"),
                          "name": case.get("name"), "time": float(case.get("time", "0")), "status": status,
                          "system_output": output})
    return cases


def test_valid_against_jenkins_schema() -> None:
    for text in (junit.student([RESULT]), junit.student(classroom(5), audience="instructor")):
        SCHEMA.validate(text)


def test_gitlab_reads_one_case_per_check_with_the_exercise_as_classname() -> None:
    cases = gitlab_cases(junit.student([RESULT], audience="instructor"))
    assert [c["classname"] for c in cases] == ["bigram"] * 6
    by_name = {c["name"]: c for c in cases}
    assert len(by_name) == 6, "names must be unique: GitLab keys a case by suite, classname and name"
    words = by_name["Words are separated"]
    assert words["status"] == "failed"
    assert words["system_output"].startswith("Expected 11 words, got 1 | <script>")
    assert "Points: 0/15." in words["system_output"]
    assert "Known bug seen: Words glued (no-separator). Use ' '.join." in words["system_output"]
    assert by_name["Follows the corpus"]["status"] == "success"
    assert by_name["Follows the corpus [test_twin]"]["status"] == "success"
    assert by_name["Later check"]["status"] == "error"


def test_junitparser_reads_points_and_known_bug_from_properties() -> None:
    xml = junitparser.JUnitXml.fromstring(junit.student([RESULT], audience="instructor"))
    suite = next(iter(xml))
    case = next(c for c in suite if c.name == "Words are separated")
    assert case.classname == "bigram" and case.is_failure
    assert case.result[0].message.startswith("Expected 11 words")
    properties = {p.get("name"): p.get("value") for p in case._elem.iter("property")}
    assert properties | {"guards": "no-separator"} == {
        "check": "test_words", "points": "0", "max_points": "15", "outcome": "failed", "visibility": "visible",
        "public": "false", "known_bug": "no-separator", "guards": "no-separator"}
    assert {p.name: p.value for p in suite.properties()}["score"] == "35"


def test_illegal_xml_characters_are_escaped_not_fatal() -> None:
    text = junit.student([RESULT], audience="instructor")
    ET.fromstring(text)  # would raise on a raw control character or a lone surrogate
    assert "#x01" in text and "#x1B" in text and "#xD800" in text and "#x00" in text


def test_a_student_file_withholds_hidden_details_and_skips_later_checks() -> None:
    text = junit.student([RESULT])
    assert SECRET not in text and LATER not in text and "hidden-bug" not in text
    by_name = {c["name"]: c for c in gitlab_cases(text)}
    assert by_name["Secret check"]["system_output"].startswith("The details of this check are hidden.")
    assert by_name["Later check"]["status"] == "skipped"
    assert "Graded after the due date" in by_name["Later check"]["system_output"]


def test_several_students_get_unique_names_per_exercise() -> None:
    cases = gitlab_cases(junit.student(classroom(3), audience="instructor"))
    keys = [(c["classname"], c["name"]) for c in cases]
    assert len(keys) == len(set(keys)) == 3 * 2 * 6
    assert {c["classname"] for c in cases} == {"bigram", "metrics"}


def test_writer_is_registered() -> None:
    stream = io.StringIO()
    WRITERS["junit"]([RESULT], stream)
    SCHEMA.validate(stream.getvalue())
