"""JUnit XML, as GitLab and the GitHub test-report actions read it.

One ``testsuite`` per graded pair, one ``testcase`` per check. What the
consumers actually read decides the shape:

- GitLab shows ``classname`` and ``name`` (not the suite's name) and keys a
  test by suite, classname and name, so ``classname`` is the exercise id and
  names are unique (a repeated title gets its check id appended).
- GitLab shows the *body* of ``failure``/``error``/``skipped`` and drops the
  attributes when there is a body (Rails' ``Hash.from_xml``), so the message
  for the student is the body; the short ``message`` attribute is for the
  GitHub actions' annotation titles.
- Points, the known bug seen and the check id go in the testcase's
  ``properties`` (pytest's xunit1 style, read by the GitHub actions and
  junitparser) and in the failure body, where GitLab shows them.
- Characters XML 1.0 forbids (control characters from a student's output,
  lone surrogates) are written as ``#xNN`` instead of breaking the file.

A student's JUnit file is made from :class:`visibility.Shown` results: hidden
checks' details are already gone, and checks not released yet are ``skipped``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TextIO

from ..results import CheckResult, PairResult
from .visibility import Audience, Policy, Shown, show

_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def document(shown: Sequence[Shown], *, properties: Mapping[str, str] | None = None) -> str:
    """The JUnit XML text of results already filtered for their reader.

    :param properties: added to every suite (e.g. the digest of the suites and the grader version).
    """
    several = len({_who(s.result) for s in shown}) > 1
    root = ET.Element("testsuites", name="grader")
    totals = {"tests": 0, "failures": 0, "errors": 0}  # the schema has no "skipped" on testsuites
    seconds = 0.0
    for s in shown:
        suite = _suite(s, dict(properties or {}), several)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        seconds += float(suite.get("time", "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def student(results: Sequence[PairResult], *, audience: Audience = "student", policy: Policy | None = None,
            now: datetime | None = None, points: Mapping[str, float] | None = None,
            properties: Mapping[str, str] | None = None) -> str:
    """Results as JUnit XML for ``audience`` (see :func:`visibility.show`)."""
    points = points or {}
    return document([show(r, audience, policy, now, points=points.get(r.exercise)) for r in results],
                    properties=properties)


def write(results: Sequence[PairResult], stream: TextIO) -> None:
    """``--format junit``: the instructor's view."""
    stream.write(document([show(r) for r in results]))


def _suite(shown: Shown, extra: dict[str, str], several: bool) -> ET.Element:
    r = shown.result
    failures = sum(c.outcome in ("failed", "missing") for c in r.checks)
    errors = sum(c.outcome == "error" for c in r.checks)
    suite = ET.Element("testsuite", name=_clean(f"{_who(r)} / {r.exercise}" if several else r.exercise),
                       tests=str(len(r.checks) + len(shown.withheld)), failures=str(failures),
                       errors=str(errors), skipped=str(len(shown.withheld)),
                       time=f"{r.timings.get('total', sum(c.seconds for c in r.checks)):.3f}")
    props = {"exercise": r.exercise, "title": r.title, "student": r.student or "", "submission": r.submission,
             "score": _n(r.score), "max_score": _n(r.max_score), "score_line": shown.score_line(),
             "bugs_found": ",".join(b.id for b in r.bugs_found), "grader_version": r.grader_version,
             "submission_sha256": r.submission_sha256, "isolation": r.isolation, **extra}
    _properties(suite, props)
    names: set[str] = set()
    prefix = f"{_who(r)}: " if several else ""
    for check in r.checks:
        suite.append(_case(r, check, _unique(prefix + check.title, check.id, names)))
    for w in shown.withheld:
        case = ET.SubElement(suite, "testcase", classname=_clean(r.exercise),
                             name=_clean(_unique(prefix + w.title, "", names)), time="0")
        _properties(case, {"max_points": _n(w.max_score), "visibility": "withheld"})
        note = f"Graded after {w.until}; worth {_n(w.max_score)} points."
        ET.SubElement(case, "skipped", message=_clean(note)).text = _clean(note)
    if r.errors:
        ET.SubElement(suite, "system-err").text = _clean("\n".join(r.errors))
    return suite


def _case(result: PairResult, check: CheckResult, name: str) -> ET.Element:
    case = ET.Element("testcase", classname=_clean(result.exercise), name=_clean(name), time=f"{check.seconds:.4f}")
    props = {"check": check.id, "points": _n(check.score), "max_points": _n(check.max_score),
             "outcome": check.outcome, "visibility": check.visibility, "public": str(check.public).lower()}
    if check.evidence:
        props["known_bug"] = ",".join(check.evidence)
    if check.guards:
        props["guards"] = ",".join(check.guards)
    _properties(case, props)
    if check.outcome != "passed":
        tag = "error" if check.outcome == "error" else "failure"
        body = [check.message or "This check did not pass.", f"Points: {_n(check.score)}/{_n(check.max_score)}."]
        bugs = {b.id: b for b in result.bugs_found}
        for bug_id in check.evidence:
            bug = bugs.get(bug_id)
            body.append(f"Known bug seen: {bug.title} ({bug_id}). {bug.explanation}" if bug
                        else f"Known bug seen: {bug_id}.")
        short = (check.message or "This check did not pass.").splitlines()[0][:200]
        ET.SubElement(case, tag, message=_clean(short)).text = _clean("\n".join(body))
    if check.public and check.output.strip():
        ET.SubElement(case, "system-out").text = _clean(check.output[:8000])
    return case


def _properties(parent: ET.Element, values: Mapping[str, str]) -> None:
    element = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(element, "property", name=name, value=_clean(value))


def _unique(name: str, check_id: str, seen: set[str]) -> str:
    candidate = name
    if candidate in seen and check_id:
        candidate = f"{name} [{check_id}]"
    number = 2
    while candidate in seen:
        candidate, number = f"{name} ({number})", number + 1
    seen.add(candidate)
    return candidate


def _clean(text: str) -> str:
    """``text`` with every character XML 1.0 forbids written as ``#xNN`` (as pytest's junitxml does)."""
    return _ILLEGAL.sub(lambda m: f"#x{ord(m[0]):02X}", text)


def _who(result: PairResult) -> str:
    return result.student or result.submission


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"
