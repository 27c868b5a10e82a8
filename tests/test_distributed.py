"""Grading on a Ray cluster: same verdicts as the local executor, nothing lost or doubled when a node,
its grader process or the driver dies, and a node that is not the driver's grades nobody.

The Ray tests start a real cluster on this machine, on loopback only: a head
without CPUs and two worker nodes of one CPU each (Ray's own
``cluster_utils.Cluster``: separate raylets, as separate machines would have),
so at most two Ray worker processes grade, each owning a one-slot sandboxed
pool. They are ``slow`` and ``ray``; without Ray installed they are skipped.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader import __version__, batch, distributed
from grader.discovery import ClassEntry, find_submissions
from grader.distributed import bundle, messages
from grader.distributed.node import NodeGrader
from grader.exercise import Course
from grader.sandbox import Pool
from grader.store import Store
from grader.submission import load

from .conftest import HOSTILE, TOY_COURSE

SOLUTION = TOY_COURSE / "solutions" / "toy.py"
MUTANT = TOY_COURSE / "exercises" / "toy" / "mutants" / "off-by-one.py"
RAY_INSTALLED = importlib.util.find_spec("ray") is not None


def ray_cluster_test(function):  # noqa: ANN001, ANN201 - a decorator
    """Slow, needs Ray: left out of the fast tier, skipped (with the reason) where Ray is not installed. One
    xdist group: with ``-n N --dist loadgroup`` every Ray test runs in one test process, on one cluster."""
    for mark in (pytest.mark.slow, pytest.mark.ray, pytest.mark.xdist_group("ray"),
                 pytest.mark.skipif(not RAY_INSTALLED, reason="ray is not installed: pip install 'grader[ray]'")):
        function = mark(function)
    return function


# -- without Ray: the course bundle, the messages, a node's own checks ------------------------------------------


def test_the_course_travels_by_content_hash_and_keeps_every_digest(tmp_path: Path) -> None:
    course = Course(TOY_COURSE)
    shipped = bundle.pack(course, ["toy"])
    assert bundle.pack(course, ["toy"]) == shipped  # the same files give the same archive and hash
    unpacked = bundle.unpack(shipped.data, shipped.sha256, tmp_path)
    assert unpacked.root == tmp_path / shipped.sha256
    assert unpacked.get("toy").digest() == course.get("toy").digest()
    assert bundle.unpack(shipped.data, shipped.sha256, tmp_path) == unpacked  # the next run reuses it

    (unpacked.root / "exercises" / "toy" / "checks" / "test_hidden.py").write_text("# altered\n")
    again = bundle.unpack(shipped.data, shipped.sha256, tmp_path)
    assert again.get("toy").digest() == course.get("toy").digest()  # an altered copy is unpacked again


def test_a_changed_course_has_another_hash_and_a_wrong_hash_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "course"
    shutil.copytree(TOY_COURSE, copy)
    before = bundle.pack(Course(copy), ["toy"])
    (copy / "solutions" / "toy.py").write_text((copy / "solutions" / "toy.py").read_text() + "\n# edited\n")
    after = bundle.pack(Course(copy), ["toy"])
    assert after.sha256 != before.sha256
    with pytest.raises(ValueError, match="hashes to"):
        bundle.unpack(after.data, before.sha256, tmp_path / "cache")
    assert not (tmp_path / "cache" / before.sha256).exists()


def test_a_pair_travels_as_plain_data(tmp_path: Path) -> None:
    path = tmp_path / "toy.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("toy.py", "from helpers import k\n\ndef add_one(x):\n    return x + k\n")
        archive.writestr("helpers.py", "k = 1\n")
    submission = load(path, "toy")
    plain = messages.pair_to_plain("ann", "toy", submission)
    assert _only_builtins(plain), plain
    student, exercise_id, back = messages.pair_from_plain(plain)
    assert (student, exercise_id) == ("ann", "toy")
    assert (back.source, back.files, back.notes, back.digest) == (submission.source, submission.files,
                                                                  submission.notes, submission.digest)
    assert back.path == Path("toy.zip")  # the name only: a node never reads the driver's files


def test_a_node_with_another_grader_says_which_and_grades_nobody() -> None:
    other_version = messages.Manifest("0.0.9", messages.code_digest(), "c" * 64, {}, False)
    assert "this node has grader " + __version__ + ", the driver 0.0.9" in messages.identity_problems(other_version)[0]
    other_code = messages.Manifest(__version__, "0" * 64, "c" * 64, {}, False)
    assert "other source code than the driver's" in messages.identity_problems(other_code)[0]
    answer = NodeGrader().prepare(other_code.to_plain(), b"", 1)
    assert answer["problems"] and answer["slots"] == 0


def test_a_node_whose_exercise_differs_from_the_driver_grades_nobody(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    shipped = bundle.pack(Course(TOY_COURSE), ["toy"])
    manifest = messages.Manifest(__version__, messages.code_digest(), shipped.sha256, {"toy": "f" * 64}, False)
    answer = NodeGrader().prepare(manifest.to_plain(), shipped.data, 1)
    assert answer["slots"] == 0
    assert answer["problems"] == [f"exercise toy has digest {Course(TOY_COURSE).get('toy').digest()[:12]} here, "
                                  f"ffffffffffff on the driver"]


def test_without_ray_the_executor_says_in_one_line_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without the extra looks like
    with pytest.raises(distributed.DistributedError) as caught:
        list(distributed.grade_many([ClassEntry("ann", "toy", SOLUTION)], Course(TOY_COURSE)))
    assert str(caught.value) == "--executor ray needs Ray, which is not installed here: pip install 'grader[ray]'"


@pytest.mark.skipif(not RAY_INSTALLED, reason="ray is not installed: pip install 'grader[ray]'")
def test_an_address_where_nothing_answers_stops_at_once(tmp_path: Path) -> None:
    entries = [ClassEntry("ann", "toy", SOLUTION)]
    with Store(tmp_path / "r.sqlite") as store, pytest.raises(distributed.DistributedError) as caught:
        list(distributed.grade_many(entries, Course(TOY_COURSE), address=f"127.0.0.1:{_free_port()}", store=store))
    assert "cannot connect to the Ray cluster at 127.0.0.1:" in str(caught.value)
    assert "nothing answers there" in str(caught.value)


def test_grade_without_ray_installed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from grader.cli import cli

    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "class" / "ann").mkdir(parents=True)
    shutil.copy(SOLUTION, tmp_path / "class" / "ann" / "toy.py")
    result = CliRunner().invoke(cli, ["--course", str(TOY_COURSE), "grade", str(tmp_path / "class"), "--out",
                                      str(tmp_path / "out"), "--executor", "ray"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: --executor ray needs Ray, which is not installed here: pip install 'grader[ray]'"]


def test_grade_help_names_the_executors() -> None:
    from click.testing import CliRunner

    from grader.cli import cli

    result = CliRunner().invoke(cli, ["grade", "--help"])
    assert "--executor [local|ray]" in result.output and "ray://HOST:PORT|auto" in result.output


def _only_builtins(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _only_builtins(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_only_builtins(v) for v in value)
    return type(value) in (str, bytes, int, float, bool, type(None))


# -- a real Ray cluster on this machine ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalCluster:
    nodes: Any
    """Ray's ``cluster_utils.Cluster``: add and remove nodes."""
    address: str
    """The head's GCS address, HOST:PORT (a driver on a machine of the cluster)."""
    client: str
    """ray://HOST:PORT of the head's Ray client server (a driver elsewhere: a TA's laptop)."""


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A head without CPUs and two one-CPU worker nodes, loopback only, no dashboard; gone afterwards."""
    os.environ.setdefault(distributed.driver.LOOPBACK_ENV, "0")  # read by Ray when it is first imported
    from ray.cluster_utils import Cluster

    client_port = _free_port()
    started = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 0, "include_dashboard": False, "object_store_memory": 100 << 20,
        "ray_client_server_port": client_port,
        # A killed node is declared dead in about 3 s instead of 15 or more (the defaults are for real networks).
        "_system_config": {"health_check_period_ms": 1000, "health_check_failure_threshold": 3}})
    try:
        for _ in range(2):
            started.add_node(num_cpus=1, object_store_memory=100 << 20)
        yield LocalCluster(started, started.address, f"ray://127.0.0.1:{client_port}")
    finally:
        logs = Path(started.head_node.get_logs_dir_path())
        started.shutdown()
        _remove_cgroups_of_killed_graders(logs)


def _remove_cgroups_of_killed_graders(logs: Path) -> None:
    """The tests kill node actors, whose pools (as root) leave empty ``grader-<pid>-slot<k>`` cgroups behind;
    remove those of this cluster's worker processes (their pids are in Ray's log names), nobody else's."""
    pids = {name.rsplit("_", 1)[-1].removesuffix(".log") for name in os.listdir(logs)
            if name.startswith("python-core-worker-")}
    deadline = time.monotonic() + 10  # Ray's worker processes end a moment after the cluster
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in pids):
        time.sleep(0.2)
    for pid in pids:
        if not Path(f"/proc/{pid}").exists():
            for folder in Path("/sys/fs/cgroup").glob(f"**/grader-{pid}-slot*"):
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _class(folder: Path, slow: int = 0) -> Path:
    """A correct, a buggy, an exiting and a cheating (always-equal) submission, a correct zip with a helper
    module, an unreadable notebook, and ``slow`` correct ones that take a second to import (so that a run
    lasts long enough to be interrupted)."""
    sources = {"ann": SOLUTION.read_text(), "bob": MUTANT.read_text(),
               "cy": (HOSTILE / "exit_at_import.py").read_text(), "dee": (HOSTILE / "always_equal.py").read_text()}
    sources |= {f"slow{i:02d}": "import time\ntime.sleep(1.0)\n" + SOLUTION.read_text() for i in range(slow)}
    for student, source in sources.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "toy.py").write_text(source)
    (folder / "eve").mkdir()
    (folder / "eve" / "toy.ipynb").write_text("{broken")
    (folder / "fay").mkdir()
    with zipfile.ZipFile(folder / "fay" / "toy.zip", "w") as archive:
        archive.writestr("toy.py", "from helpers import add_one, scaled  # noqa: F401\n")
        archive.writestr("helpers.py", SOLUTION.read_text())
    return folder


def _verdicts(graded: list[batch.Graded]) -> dict[str, tuple]:
    """What must not depend on where a pair was graded: score, each check's outcome, the bugs named."""
    return {g.entry.student: (g.result.score, g.result.submission_sha256,
                              tuple((c.id, c.outcome, c.score) for c in g.result.checks),
                              tuple(b.id for b in g.result.bugs_found), g.result.errors)
            for g in graded}


def _rows(store_path: Path) -> list[tuple]:
    with sqlite3.connect(store_path) as db:
        return db.execute("SELECT student, exercise, submission_sha256, exercise_digest, grader_version "
                          "FROM results").fetchall()


@ray_cluster_test
def test_ray_gives_every_pair_the_verdict_the_local_executor_gives(cluster: LocalCluster, pool: Pool, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    course = Course(TOY_COURSE)
    entries, _ = find_submissions(_class(tmp_path / "class"), course)
    with Store(tmp_path / "local.sqlite") as store:
        local = list(batch.grade_many(entries, course, pool, store=store))
    events: list[distributed.NodeEvent] = []
    monkeypatch.setenv("RAY_AUTH_MODE", "token")  # Ray 2.60's local clusters want the token from a client too
    with Store(tmp_path / "ray.sqlite") as store:  # through the Ray client, as from a TA's laptop
        remote = list(distributed.grade_many(entries, course, address=cluster.client, jobs=1, store=store,
                                             on_event=events.append))
    assert _verdicts(remote) == _verdicts(local)
    assert _verdicts(remote)["ann"][0] == _verdicts(remote)["fay"][0] == 10
    assert _verdicts(remote)["bob"][3] == ("off-by-one",)
    assert sorted(_rows(tmp_path / "ray.sqlite")) == sorted(_rows(tmp_path / "local.sqlite"))
    assert [str(e) for e in events if e.kind != "ready"] == []
    with Store(tmp_path / "local.sqlite") as store:  # graded locally, resumed on Ray: nothing left to send
        again = list(distributed.grade_many(entries, course, address="ray://127.0.0.1:9", store=store))
    assert len(again) == len(entries) and all(g.reused for g in again)


@ray_cluster_test
def test_nodes_running_another_grader_are_stopped_with_a_clear_error(cluster: LocalCluster, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    course = Course(TOY_COURSE)
    entries, _ = find_submissions(_class(tmp_path / "class"), course)
    monkeypatch.setattr(messages, "code_digest", lambda: "0" * 64)  # the driver's side only: nodes are processes
    events: list[distributed.NodeEvent] = []
    with Store(tmp_path / "r.sqlite") as store, pytest.raises(distributed.DistributedError) as caught:
        list(distributed.grade_many(entries, course, address=cluster.address, jobs=1, store=store,
                                    on_event=events.append))
    assert "no Ray node can grade" in str(caught.value)
    assert "other source code than the driver's" in str(caught.value)
    assert sorted(e.kind for e in events) == ["refused", "refused"]
    assert [row[0] for row in _rows(tmp_path / "r.sqlite")] == ["eve"]  # only the unreadable file, made here


@ray_cluster_test
def test_a_grader_process_killed_mid_run_loses_and_doubles_nothing(cluster: LocalCluster, tmp_path: Path) -> None:
    course = Course(TOY_COURSE)
    entries, _ = find_submissions(_class(tmp_path / "class", slow=8), course)
    events: list[distributed.NodeEvent] = []
    graded: list[batch.Graded] = []
    with Store(tmp_path / "r.sqlite") as store:
        for item in distributed.grade_many(entries, course, address=cluster.address, jobs=1, store=store,
                                           on_event=events.append):
            graded.append(item)
            if len(graded) == 3:  # the unreadable one and two graded by nodes: every node is busy now
                victim = next(e for e in events if e.kind == "ready")
                os.kill(victim.pid, signal.SIGKILL)
    _assert_complete(graded, entries, tmp_path / "r.sqlite")
    lost = [e for e in events if e.kind == "lost"]
    assert lost and lost[0].pid == victim.pid and "go back to the queue" in lost[0].message


@ray_cluster_test
def test_a_worker_node_lost_mid_run_loses_and_doubles_nothing(cluster: LocalCluster, tmp_path: Path) -> None:
    course = Course(TOY_COURSE)
    entries, _ = find_submissions(_class(tmp_path / "class", slow=8), course)
    events: list[distributed.NodeEvent] = []
    graded: list[batch.Graded] = []
    with Store(tmp_path / "r.sqlite") as store:
        for item in distributed.grade_many(entries, course, address=cluster.address, jobs=1, store=store,
                                           on_event=events.append):
            graded.append(item)
            if len(graded) == 3:
                victim = next(e for e in events if e.kind == "ready")
                node = next(n for n in cluster.nodes.worker_nodes if n.node_id == victim.node)
                cluster.nodes.remove_node(node, allow_graceful=False)  # raylet, its workers and their sandboxes
    cluster.nodes.add_node(num_cpus=1, object_store_memory=100 << 20)  # the next test gets two nodes again
    _assert_complete(graded, entries, tmp_path / "r.sqlite")
    assert any(e.kind == "lost" and e.node == victim.node for e in events)


@ray_cluster_test
def test_the_driver_killed_mid_run_resumes_where_it_stopped(cluster: LocalCluster, tmp_path: Path) -> None:
    klass = _class(tmp_path / "class", slow=8)
    store_path = tmp_path / "r.sqlite"
    command = [str(Path(sys.executable).parent / "grader"), "--course", str(TOY_COURSE), "grade", str(klass),
               "--out", str(tmp_path / "out"), "--store", str(store_path), "--executor", "ray",
               "--address", cluster.address, "--jobs", "1"]
    driver = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and driver.poll() is None and len(_scores(store_path)) < 5:
        time.sleep(0.1)
    driver.kill()  # SIGKILL: no clean-up of any kind
    driver.wait()
    before = _scores(store_path)
    assert 5 <= len(before) < 14, "the driver was not killed mid-run"
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = _rows(store_path)
    assert len(rows) == len(set(rows)) == 14  # nothing lost, nothing graded twice
    assert _scores(store_path) == {"ann": 10, "bob": 2, "cy": 0, "dee": 0, "eve": 0, "fay": 10} | {
        f"slow{i:02d}": 10 for i in range(8)}


def _scores(store_path: Path) -> dict[str, float]:
    """Student -> stored score, read while the driver may be writing (WAL); empty before the store exists."""
    if not store_path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as db:
            return dict(db.execute("SELECT student, score FROM results").fetchall())
    except sqlite3.OperationalError:  # the schema is not there yet
        return {}


def _assert_complete(graded: list[batch.Graded], entries: list[ClassEntry], store_path: Path) -> None:
    """Every entry yielded once with its right score, and stored once."""
    assert Counter(g.entry.student for g in graded) == Counter(e.student for e in entries)
    expected = {"ann": 10, "bob": 2, "cy": 0, "dee": 0, "eve": 0, "fay": 10} | {e.student: 10 for e in entries
                                                                   if e.student.startswith("slow")}
    assert {g.entry.student: g.result.score for g in graded} == expected
    rows = _rows(store_path)
    assert len(rows) == len(set(rows)) == len(entries)
