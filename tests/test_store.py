"""The results store: resume after any interruption, never grade an unchanged pair twice, keep history."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

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
    _, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert err.count("unchanged (from the store)") == kept
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
    _, err = run.communicate(timeout=600)
    assert "s00" in err and "unchanged (from the store)" in err
    assert "regraded: 2 -> 10" in err
