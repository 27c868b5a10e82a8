"""The HTML report: self-contained, escaped, and rendered by a real browser with its charts visible."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from grader.render import WRITERS, html

from . import browser
from .samples import LATER, RESULT, SECRET, classroom

needs_chromium = pytest.mark.skipif(not browser.available(),
                                    reason=f"{browser.CHROMIUM} is missing (scripts/setup.sh installs it)")


def test_nothing_is_fetched_from_anywhere() -> None:
    page = html.class_page(classroom(10))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_text_is_escaped() -> None:
    page = html.student_page([RESULT], audience="instructor")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_students_page_never_holds_hidden_details() -> None:
    page = html.student_page([RESULT])
    assert SECRET not in page and LATER not in page and "hidden-bug" not in page
    assert "Secret check <i>(details hidden)</i>" in page and "graded after the due date" in page


def test_class_page_has_the_three_charts_and_every_student() -> None:
    page = html.class_page(classroom(12))
    for label in ("Scores of bigram (%)", "Scores of metrics (%)", "Known-bug frequency", "Seconds per pair"):
        assert f'aria-label="{label}"' in page
    assert page.count('<details id="student-student') == 12


def test_writer_is_registered() -> None:
    stream = io.StringIO()
    WRITERS["html"](classroom(2), stream)
    assert stream.getvalue().startswith("<!DOCTYPE html>")


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_both_pages_with_visible_charts_and_no_console_error(tmp_path: Path) -> None:
    pages = {"class.html": html.class_page(classroom(40)),
             "student.html": html.student_page(classroom(1), audience="instructor")}
    visible_charts = """[...document.querySelectorAll('svg.chart')].map(svg => {
        const box = svg.getBoundingClientRect(), style = getComputedStyle(svg);
        const marks = [...svg.querySelectorAll('rect')].filter(r => r.getBoundingClientRect().height > 0);
        return {width: box.width, height: box.height, shown: style.display !== 'none' &&
                style.visibility === 'visible' && style.opacity !== '0', marks: marks.length};
    })"""
    with browser.Browser() as chromium:
        for name, text in pages.items():
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
            page = browser.Page(chromium, path.as_uri())
            charts = page.evaluate(visible_charts)
            assert charts, f"{name}: no chart"
            for chart in charts:
                assert chart["shown"] and chart["width"] > 100 and chart["height"] > 30 and chart["marks"] > 0, chart
            assert page.evaluate("document.title")
            assert page.problems() == [], f"{name}: {page.problems()}"
            assert page.requests() == [path.as_uri()], f"{name} fetched more than itself"
            page.screenshot(tmp_path / f"{name}.png")
            assert (tmp_path / f"{name}.png").stat().st_size > 10_000
        assert len(pages) == 2
