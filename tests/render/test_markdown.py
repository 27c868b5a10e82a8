"""Markdown for a student (CI step summary, feedback) and for a class, within GitHub's 1 MiB."""

from __future__ import annotations

import dataclasses
import io
import re

from grader.render import WRITERS, markdown
from grader.results import CheckResult

from .samples import LATER, RESULT, SECRET, classroom


def test_a_students_report_shows_score_checks_fixes_and_bugs() -> None:
    text = markdown.student_report([RESULT], audience="instructor")
    assert text.startswith("## grader: 35/100 points (35%)")
    overview = "| `bigram` Bigram generator | `me.py` | 35/100 | 2/6 | no-separator, hidden-bug, a-bug or b-bug |"
    for fragment in (overview,
                     "**What to fix**", "**Words glued** (`no-separator`): Use ' '.join.", "**One of these**",
                     "probe 'x' timed out", "<sub>Isolation: test isolation</sub>"):
        assert fragment in text


def test_a_student_never_reads_hidden_details() -> None:
    text = markdown.student_report([RESULT])
    assert SECRET not in text and LATER not in text and "hidden-bug" not in text
    assert "Secret check *(details hidden)*" in text
    assert "| 🔒 | Later check *(graded after the due date)* | ?/20 | |" in text
    assert "checks graded now: 35/80; 1 hidden check (20 points) is graded after the due date" in text


def test_text_cannot_break_a_table_or_inject_html() -> None:
    text = markdown.student_report([RESULT], audience="instructor")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\x01" not in text and "\x1b" not in text and "\ud800" not in text
    fix = next(line for line in text.splitlines() if line.startswith("- ❌ **Words are separated**"))
    assert r"got 1 \| &lt;script&gt;" in fix and r"\*\*bold\*\*" in fix
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(len(re.findall(r"(?<!\\)\|", row)) == len(re.findall(r"(?<!\\)\|", table_rows[0]))
               for row in table_rows[:2])


def test_program_output_is_fenced_longer_than_any_backticks_inside() -> None:
    text = markdown.student_report([RESULT])
    assert "````text\nprinted by student ```\n````" in text


def test_a_huge_report_is_shortened_within_the_limit_and_says_so() -> None:
    many = tuple(CheckResult(f"test_{i}", f"Check {i}", 0, 1, "failed", "x" * 500) for i in range(300))
    results = [dataclasses.replace(RESULT, exercise=f"ex{i}", checks=many) for i in range(30)]
    limit = 100_000
    text = markdown.student_report(results, audience="instructor", notes=["digest line"], limit=limit)
    assert len(text.encode()) <= limit
    assert "**Shortened:**" in text and "sections left out" in text
    assert text.rstrip().endswith("<sub>digest line</sub><br>")  # the closing notes always survive
    assert text.count("| `ex") == 30  # the overview keeps every exercise


def test_the_default_limit_is_githubs_step_summary_limit() -> None:
    many = tuple(CheckResult(f"test_{i}", f"Check {i}", 0, 1, "failed", "y" * 2000) for i in range(400))
    results = [dataclasses.replace(RESULT, exercise=f"ex{i}", checks=many) for i in range(5)]
    text = markdown.student_report(results, audience="instructor")
    assert len(text.encode()) <= 1024 * 1024 == markdown.MAX_BYTES
    assert text.count("| ❌ | Check 399 |") == 5  # sections that do not fit whole keep their table
    assert text.count("left out here to stay within the size limit") == 4


def test_class_summary_has_distribution_bugs_and_one_row_per_student() -> None:
    text = markdown.class_summary(classroom(40))
    assert text.startswith("## Class summary: 40 students, 80 graded submissions")
    assert "| `bigram` | 40 |" in text and "| `metrics` | 40 |" in text
    assert "| 26 | `bigram` | `no-separator` | Words glued |" in text
    assert sum(re.match(r"\| student\d\d \|", line) is not None for line in text.splitlines()) == 40


def test_class_summary_drops_rows_not_the_table_when_too_big() -> None:
    text = markdown.class_summary(classroom(400), limit=10_000)
    assert len(text.encode()) <= 10_000
    assert "table rows left out" in text


def test_writer_is_registered() -> None:
    stream = io.StringIO()
    WRITERS["markdown"](classroom(3), stream)
    assert stream.getvalue().startswith("## Class summary: 3 students")
