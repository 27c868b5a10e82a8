"""The results store: resume after any interruption, never grade an unchanged pair twice, keep history."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader.errors import UsageError
from grader.results import PairResult
from grader.store import Key, Store

from .conftest import HOSTILE, TOY_COURSE

SOLUTION = TOY_COURSE / "solutions" / "toy.py"
MUTANT = TOY_COURSE / "exercises" / "toy" / "mutants" / "off-by-one.py"


def result(score: float, student: str = "ann") -> PairResult:
    return PairResult("toy", "Toy", "toy.py", student, score, 10, ())


def key(sha: str = "s1", student: str = "ann", digest: str = "d1") -> Key:
    return Key(student, "toy", sha, digest, "0.1.0")


def test_a_key_is_stored_once_and_read_back(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        assert store.put(key(), result(10), "ann/toy.py")
        assert not store.put(key(), result(3), "ann/toy.py")  # the same key again: kept once, first wins
        assert store.get(key()).score == 10
        assert store.get(key(sha="other")) is None


def test_history_keeps_every_version_and_latest_takes_the_newest(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        store.put(key("s1"), result(2), "a")
        store.put(key("s2"), result(8), "a")  # a resubmission
        store.put(key("s2", digest="d2"), result(10), "a")  # the suite was fixed
        assert [s.result.score for s in store.history("ann", "toy")] == [2, 8, 10]
        assert [s.result.score for s in store.latest()] == [10]


def test_two_writers_at_once_neither_corrupt_nor_double(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"

    def write(offset: int) -> None:
        with Store(path) as store:
            for i in range(100):
                store.put(key(f"s{(i + offset) % 150}"), result(i), "x")

    threads = [threading.Thread(target=write, args=(o,)) for o in (0, 50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = sqlite3.connect(path).execute("SELECT COUNT(*), COUNT(DISTINCT submission_sha256) FROM results").fetchone()
    assert rows == (150, 150)


def test_an_unreadable_row_is_no_crash(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        store.put(key(), result(1), "x")
    sqlite3.connect(tmp_path / "r.sqlite").execute("UPDATE results SET result = 'not json'").connection.commit()
    with Store(tmp_path / "r.sqlite") as store:
        assert store.get(key()) is None and store.latest() == []


def _class(root: Path, students: int) -> Path:
    klass = root / "class"
    for i in range(students):
        (klass / f"s{i:02d}").mkdir(parents=True)
        source = [SOLUTION, MUTANT, HOSTILE / "os_exit_in_probe.py"][i % 3]
        shutil.copy(source, klass / f"s{i:02d}" / "toy.py")
    return klass


def _grade(klass: Path, out: Path, *extra: str) -> subprocess.Popen:
    grader = Path(sys.executable).parent / "grader"
    return subprocess.Popen([str(grader), "--course", str(TOY_COURSE), "grade", str(klass), "--out", str(out),
                             "--jobs", "2", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "GRADER_QUIET_COURSE": "1"}, start_new_session=True)


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_without_losing_or_doubling(tmp_path: Path) -> None:
    klass, out = _class(tmp_path, 12), tmp_path / "out"
    store = tmp_path / ".grader" / "results.sqlite"
    first = _grade(klass, out)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill it once some, not all, results are stored
        time.sleep(0.2)
        try:
            count = sqlite3.connect(store).execute("SELECT COUNT(*) FROM results").fetchone()[0]
        except sqlite3.Error:
            continue
        if count >= 3:
            break
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    kept = sqlite3.connect(store).execute("SELECT COUNT(*) FROM results").fetchone()[0]
    assert 3 <= kept < 12 + 1
    second = _grade(klass, out)
    report, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert f"{12 - kept} graded now, {kept} unchanged (from the store)" in " ".join(report.split())
    rows = sqlite3.connect(store).execute("SELECT student, COUNT(*) FROM results GROUP BY student").fetchall()
    assert len(rows) == 12 and all(n == 1 for _, n in rows)
    scores = {json.loads(line)["student"]: json.loads(line)["score"]
              for line in (out / "results.jsonl").read_text().splitlines()}
    assert scores["s00"] == 10 and scores["s01"] == 2 and len(scores) == 12


@pytest.mark.slow
def test_a_changed_submission_is_regraded_with_a_trace(tmp_path: Path) -> None:
    klass, out = _class(tmp_path, 2), tmp_path / "out"
    assert _grade(klass, out).wait(timeout=600) == 0
    shutil.copy(SOLUTION, klass / "s01" / "toy.py")  # s01 fixed the bug and resubmitted
    run = _grade(klass, out)
    report, _ = run.communicate(timeout=600)
    report = " ".join(report.split())
    assert "1 graded now, 1 unchanged (from the store)" in report
    assert "s01 / toy: 2 → 10/10 (a new submission): test_adds_one failed 0/3 → passed 3/3" in report


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    klass, out = _class(tmp_path, 9), tmp_path / "out"
    store = tmp_path / ".grader" / "results.sqlite"
    moments = [random.uniform(0.2, 12.0) for _ in range(3)]  # pool start, self-check, grading, writing files
    for moment in moments:
        run = _grade(klass, out)
        time.sleep(moment)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",), moments
    kept = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    last = _grade(klass, out)
    report, err = last.communicate(timeout=600)
    assert last.returncode == 0, (moments, err)
    assert f"{9 - kept} graded now, {kept} unchanged (from the store)" in " ".join(report.split()), moments
    rows = db.execute("SELECT student, COUNT(*), MIN(score) FROM results GROUP BY student ORDER BY student").fetchall()
    assert [(s, n) for s, n, _ in rows] == [(f"s{i:02d}", 1) for i in range(9)], moments
    assert [score for _, _, score in rows] == [10, 2, 7] * 3, moments  # solution, mutant, os._exit in one probe


def test_latest_best_and_chosen(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        store.put(key("v1"), result(9), "a")
        store.put(key("v2"), result(4), "a", late=True)  # a worse, late resubmission
        store.put(key("v2", digest="d2"), result(6), "a", late=True)  # the suite changed: v2 graded again
        latest = store.pick("ann", "toy", "latest", "d2", "0.1.0")
        assert (latest.stored.result.score, latest.rule, latest.versions, latest.stale) == (6, "latest", 2, False)
        assert latest.stored.late
        best = store.pick("ann", "toy", "best", "d2", "0.1.0")
        assert best.stored.result.score == 6  # v1's 9 is from the old suite: not comparable, v2 is the best graded now
        best_any = store.pick("ann", "toy", "best", "d1", "0.1.0")
        assert best_any.stored.result.score == 9 and best_any.stored.key.submission_sha256 == "v1"
        version = store.choose("ann", "toy", "v1")
        assert version.submission_sha256 == "v1"
        chosen = store.pick("ann", "toy", "latest", "d2", "0.1.0")
        assert (chosen.rule, chosen.stored.result.score, chosen.stale) == ("chosen", 9, True)
        assert store.unchoose("ann", "toy") and store.pick("ann", "toy").rule == "latest"
        with pytest.raises(UsageError, match="no submission of ann for toy start with 'zz'"):
            store.choose("ann", "toy", "zz")
        with pytest.raises(UsageError, match="2 submissions"):
            store.choose("ann", "toy", "v")
        assert store.pick("nobody", "toy") is None


def test_latest_follows_the_lms_timestamps_when_every_version_has_one(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        store.put(key("later"), result(1), "a", "2026-11-21T10:00:00")
        store.put(key("earlier"), result(2), "a", "2026-11-20T10:00:00")  # graded second, submitted first
        assert store.pick("ann", "toy").stored.key.submission_sha256 == "later"


def test_a_forced_regrade_that_disagrees_keeps_the_old_result_as_superseded(tmp_path: Path) -> None:
    with Store(tmp_path / "r.sqlite") as store:
        store.put(key(), result(10), "a")
        assert store.put(key(), result(10), "a", replace=True)  # the same verdict: nothing to keep aside
        assert store.put(key(), result(7), "a", replace=True)
        assert store.get(key()).score == 7
        rows = store.history("ann", "toy", superseded=True)
        assert [(r.result.score, r.superseded) for r in rows] == [(10, True), (7, False)]
        assert [r.result.score for r in store.history("ann", "toy")] == [7]


def test_a_store_from_before_late_flags_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""CREATE TABLE results (id INTEGER PRIMARY KEY, student TEXT NOT NULL, exercise TEXT NOT NULL,
        submission_sha256 TEXT NOT NULL, exercise_digest TEXT NOT NULL, grader_version TEXT NOT NULL,
        source TEXT NOT NULL, submitted_at TEXT NOT NULL DEFAULT '', graded_at REAL NOT NULL, score REAL NOT NULL,
        max_score REAL NOT NULL, result TEXT NOT NULL,
        UNIQUE (student, exercise, submission_sha256, exercise_digest, grader_version));""")
    db.execute("INSERT INTO results VALUES (1, 'ann', 'toy', 's1', 'd1', '0.1.0', 'a', '', 1.0, 3, 10, ?)",
               (json.dumps(result(3).to_dict()),))
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.get(key()).score == 3 and store.history("ann")[0].late is False
        assert store.put(key("s2"), result(4), "a", late=True) and store.history("ann")[-1].late


def test_results_of_a_run_whose_closing_self_check_fails_are_withdrawn(tmp_path: Path, pool, toy_course,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from grader import batch, selfcheck
    from grader.discovery import ClassEntry
    from grader.errors import SelfCheckError

    real = selfcheck.prove

    def broken_after(exercises, pool, when):
        if when == "after grading":
            raise SelfCheckError("self-check after grading failed, so nobody was graded: toy: the reference "
                                 "solution scored 2/10")
        real(exercises, pool, when)

    monkeypatch.setattr(selfcheck, "prove", broken_after)
    klass = _class(tmp_path, 2)
    entries = [ClassEntry(p.parent.name, "toy", p) for p in sorted(klass.glob("*/toy.py"))]
    with Store(tmp_path / "r.sqlite") as store:
        with pytest.raises(SelfCheckError, match="2 result"):
            list(batch.grade_many(entries, toy_course, pool, store=store))
        assert store.latest() == []  # a later run grades them again instead of reusing a poisoned verdict
