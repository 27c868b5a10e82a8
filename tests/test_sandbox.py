"""Attacks on the sandbox: nothing read, nothing kept, nothing changed, nothing reached.

Every attack (``tests/attacks/``) is a submission of a harmless exercise whose
probe hands control to it; it reports what it managed as plain data, which the
tests read straight from the run's record. Each attack is bounded in itself (a
fork bomb of at most 40, a file-system walk of at most 60,000 files), and
every payload it tries to leave behind is an inert, uniquely named marker that
the tests remove afterwards, so that a failing sandbox cannot hurt the machine
or later tests, and the tests can still see that it failed.

The attacks run against a copy of their course in a scratch folder outside the
checkout, with a marker planted in every file a worker must not read.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from grader import submission, wire
from grader.exercise import Course
from grader.reference import cache_dir
from grader.sandbox import Pool, isolation

from .conftest import TOY_COURSE

HERE = Path(__file__).parent
ATTACKS = HERE / "attacks"
MARKER = "HIDDEN-CHECK-MARKER-4c1f"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(isolation.detect().bwrap is None,
                                 reason="bubblewrap is not usable here: the grader refuses to run (see README)")]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course with a marker in every hidden file, a class folder and a results folder beside it."""
    root = tmp_path_factory.mktemp("attack-scratch")
    course = root / "course"
    shutil.copytree(HERE / "fixtures" / "attack_course", course)
    for hidden in ("exercises/attack/checks/secret.txt", "exercises/attack/mutants/secret.py",
                   "exercises/attack/original.py", "solutions/secret.txt"):
        (course / hidden).parent.mkdir(parents=True, exist_ok=True)  # git keeps no empty folder
        (course / hidden).write_text(f"# {MARKER}\n")
    (root / "class" / "other_student").mkdir(parents=True)
    (root / "class" / "other_student" / "attack.py").write_text(f"# {MARKER}\n")
    (root / "results").mkdir()
    (root / "results" / "results.sqlite").write_text(MARKER)
    cache_dir().mkdir(parents=True, exist_ok=True)
    (cache_dir() / "planted-reference.json").write_text(MARKER)
    return root


@pytest.fixture(scope="module")
def attack_pool(scratch: Path) -> Pool:
    with Pool(2, hidden=(scratch,)) as pool:
        yield pool


@pytest.fixture(scope="module", autouse=True)
def environment_unchanged(scratch: Path, attack_pool: Pool) -> None:
    """After every attack of this module, the grader's environment is exactly as it was."""
    before = _snapshot(scratch)
    yield
    leftovers = _remove_attack_markers(scratch)
    after = _snapshot(scratch)
    assert not leftovers, f"attacks left files behind: {leftovers}"
    assert before == after, "the grader's environment changed: " + ", ".join(sorted(set(before) ^ set(after))[:10])


def run_attack(pool: Pool, scratch: Path, name: str, **extra: object) -> tuple[dict, dict]:
    """Run an attack file; return what its ``attack()`` and ``after()`` reported (in one pair)."""
    targets = {
        "marker": MARKER,
        "token": secrets.token_hex(8),
        "phase": "",
        "paths": {
            "course": str(scratch / "course"),
            "checks": str(scratch / "course/exercises/attack/checks/secret.txt"),
            "solution": str(scratch / "course/solutions/secret.txt"),
            "mutant": str(scratch / "course/exercises/attack/mutants/secret.py"),
            "other student": str(scratch / "class/other_student/attack.py"),
            "store": str(scratch / "results/results.sqlite"),
            "cache": str(cache_dir()),
            "toy checks": str(TOY_COURSE / "exercises/toy/checks/test_hidden.py"),
            "grader tests": str(HERE / "test_sandbox.py"),
            "root home": "/root",
        },
        **extra,
    }
    source = f"TARGETS = {targets!r}\n" + (ATTACKS / f"{name}.py").read_text()
    path = scratch / f"{name}.py"
    path.write_text(source)
    exercise = Course(scratch / "course").get("attack")
    record = pool.run(exercise, submission.load(path))
    return _value(record, 'attack{}'), _value(record, 'after{}')


def _value(record, key: str) -> dict:
    assert key in record.observations, (key, record.incidents)
    observation = record.observations[key]
    assert not isinstance(observation, wire.ProbeError), (key, observation, record.incidents)
    return wire.decode(observation) or {}


def test_nothing_hidden_can_be_read(attack_pool: Pool, scratch: Path) -> None:
    found, _ = run_attack(attack_pool, scratch, "read_secrets")
    assert found["seen"] > 100  # it did walk the file system it was given
    assert found["opened"] == [] and found["found"] == []


def test_proc_shows_only_the_pair_itself(attack_pool: Pool, scratch: Path) -> None:
    seen, _ = run_attack(attack_pool, scratch, "proc_snoop")
    assert seen["leaks"] == []
    assert seen["pids"] <= 2  # the worker (PID 1 of its namespace) and the attack's own reads


def test_nothing_written_outlives_the_pair(attack_pool: Pool, scratch: Path) -> None:
    token = secrets.token_hex(8)
    first, _ = run_attack(attack_pool, scratch, "persist_write", token=token, phase="write")
    private = {"home", "tmp", "dev-shm", "work", "sysv-shm", "abstract-socket"}
    assert set(first["written"]) <= private, f"wrote outside its private space: {set(first['written']) - private}"
    assert {"home", "tmp"} <= set(first["written"])  # it had somewhere to write: a private, throw-away space
    for _ in range(2):  # later pairs, on both slots, see none of it
        _, later = run_attack(attack_pool, scratch, "persist_write", token=token, phase="check")
        assert later["survived"] == []


def test_no_network_not_even_loopback(attack_pool: Pool, scratch: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        result, _ = run_attack(attack_pool, scratch, "network", port=listener.getsockname()[1])
        with pytest.raises(TimeoutError):
            listener.accept()
    assert result["reached"] == []


def test_every_process_it_started_is_gone(attack_pool: Pool, scratch: Path) -> None:
    sleep = f"98{secrets.randbelow(10**6)}"
    result, _ = run_attack(attack_pool, scratch, "processes", sleep=sleep)
    assert result["started"] >= 1
    left = subprocess.run(["pgrep", "-f", f"sleep {sleep}"], capture_output=True, text=True).stdout.split()
    assert left == [], f"left running: {left}"
    # the slot is still healthy: the next pair is graded normally
    ok, _ = run_attack(attack_pool, scratch, "proc_snoop")
    assert ok["leaks"] == []


def test_no_privilege_to_gain(attack_pool: Pool, scratch: Path) -> None:
    result, _ = run_attack(attack_pool, scratch, "privileges")
    assert result["allowed"] == []


def test_a_pair_cannot_outlive_itself(attack_pool: Pool, scratch: Path) -> None:
    sleep = f"97{secrets.randbelow(10**6)}"
    exercise = Course(scratch / "course").get("attack")
    path = scratch / "survive.py"
    path.write_text(f"TARGETS = {{'sleep': {sleep!r}}}\n" + (ATTACKS / "survive.py").read_text())
    record = attack_pool.run(exercise, submission.load(path))
    assert wire.decode(record.observations["attack{}"]) == {"cleared": False}  # seccomp refuses it
    left = subprocess.run(["pgrep", "-f", f"sleep {sleep}"], capture_output=True, text=True).stdout.split()
    assert left == [], f"left running: {left}"


def test_forged_messages_are_refused_cheaply(attack_pool: Pool, scratch: Path) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exercise = Course(scratch / "course").get("attack")
    path = scratch / "forge.py"
    path.write_text((ATTACKS / "forge.py").read_text())
    record = attack_pool.run(exercise, submission.load(path))
    assert record.exit == "protocol" and any("too many items" in line for line in record.incidents)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB: no parse of the bomb


def test_hidden_folders_inside_what_the_sandbox_binds_are_covered(tmp_path: Path) -> None:
    import grader

    inside = Path(grader.__file__).parent / "authoring" / "templates"
    assert set(isolation.covered([inside, Path("/usr/share"), tmp_path], [Path("/usr"), inside.parent])) == {
        inside.resolve(), Path("/usr/share")}
    with Pool(1, hidden=(inside,)) as pool:  # bound with the grader package, yet empty in the sandbox
        exercise = Course(TOY_COURSE).get("toy")
        source = tmp_path / "lister.py"
        source.write_text(f"import os\ndef add_one(x):\n    return len(os.listdir({str(inside)!r}))\n"
                          "def scaled(n):\n    return [0.0]\n")
        record = pool.run(exercise, submission.load(source))
        assert wire.decode(record.observations['add{"x":1}']) == 0


def test_the_grader_refuses_when_a_hidden_folder_shows_through(monkeypatch: pytest.MonkeyPatch) -> None:
    import grader
    from grader.errors import SandboxError

    monkeypatch.setattr(isolation, "covered", lambda hidden, bound: [])  # as if the cover had failed
    with pytest.raises(SandboxError, match="would let a worker read"), Pool(1, hidden=(
            Path(grader.__file__).parent / "authoring",)) as pool:
        pool.isolation(())


def _snapshot(scratch: Path) -> dict[str, tuple[int, int]]:
    """Every file of the interpreter's environment, the grader package, the course copy and the cache."""
    import grader

    roots = {Path(sys.prefix), Path(grader.__file__).parent, scratch / "course", cache_dir()}
    state: dict[str, tuple[int, int]] = {}
    for root in roots:
        for dirpath, _, files in os.walk(root):
            if ("__pycache__" in dirpath and str(scratch) not in dirpath) or dirpath.startswith(
                    str(cache_dir() / "reference")):
                continue  # the grader's own imports and reference runs write there; a worker's write is caught
                #           by the markers
            for name in files:
                path = os.path.join(dirpath, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                state[path] = (st.st_size, st.st_mtime_ns)
    return state  # /tmp and /dev/shm are shared with other programs: their attack markers are checked by name


def _remove_attack_markers(scratch: Path) -> list[str]:
    """Delete every marker an attack may have planted (even if the sandbox failed); return what was found."""
    import grader

    found = []
    for root in (Path(sys.prefix), Path(grader.__file__).parent, scratch / "course", cache_dir(),
                 Path("/tmp"), Path("/dev/shm")):
        for dirpath, dirs, files in os.walk(root):
            if root in (Path("/tmp"), Path("/dev/shm")):
                dirs[:] = []
            for name in files:
                if name.startswith("zz_attack_"):
                    path = os.path.join(dirpath, name)
                    found.append(path)
                    os.unlink(path)
    return found
