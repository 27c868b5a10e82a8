"""The warm pool: workers that die or hang are replaced, pairs graded at once score as they would alone."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader import engine
from grader.errors import SandboxError
from grader.exercise import Exercise
from grader.sandbox import Pool, isolation

from .conftest import HOSTILE, TOY_COURSE

pytestmark = pytest.mark.slow
SOLUTION = TOY_COURSE / "solutions" / "toy.py"


def scores(result) -> dict[str, str]:
    return {c.id: c.outcome for c in result.checks}


def test_pairs_graded_at_once_score_exactly_as_alone(toy: Exercise, pool: Pool) -> None:
    files = [SOLUTION, toy.mutants["off-by-one"], HOSTILE / "hangs.py", HOSTILE / "os_exit_in_probe.py"]
    alone = [scores(engine.grade_file(toy, f, pool)) for f in files]
    with ThreadPoolExecutor(max_workers=4) as executor:
        together = list(executor.map(lambda f: scores(engine.grade_file(toy, f, pool)), files * 2))
    assert together == alone * 2


def test_a_zygote_killed_mid_pair_is_replaced_and_the_pair_still_graded(toy: Exercise) -> None:
    with Pool(1, hidden=(TOY_COURSE,)) as pool:
        engine.grade_file(toy, SOLUTION, pool)  # warm: the zygote exists
        zygote = next(iter(pool._slots[0]._zygotes.values()))
        killer = threading.Timer(0.5, lambda: os.killpg(zygote.process.pid, signal.SIGKILL))
        killer.start()
        try:
            result = engine.grade_file(toy, HOSTILE / "hangs.py", pool)  # busy for seconds: killed meanwhile
        finally:
            killer.cancel()
        assert result.score == 2 and {c.outcome for c in result.checks} <= {"passed", "failed"}
        after = engine.grade_file(toy, SOLUTION, pool)  # the slot works again, with a fresh zygote
        assert after.score == after.max_score


def test_a_worker_killed_from_outside_costs_only_its_case(toy: Exercise) -> None:
    source = (HOSTILE / "hangs.py").read_text().replace("while True:\n        pass", "import time\n    time.sleep(30)")
    path = Path(pool_scratch()) / "sleeper.py"
    path.write_text(source)
    with Pool(1, hidden=(TOY_COURSE,)) as pool:
        engine.grade_file(toy, SOLUTION, pool)  # warm
        zygote = next(iter(pool._slots[0]._zygotes.values()))

        def kill_the_pair() -> None:  # this pool's worker only: other tests may be grading at the same time
            for _ in range(100):
                time.sleep(0.1)
                pairs = [pid for pid in _descendants(zygote.process.pid) if _is_pair(pid)]
                if pairs:
                    time.sleep(0.3)  # let it reach the sleeping case
                    os.kill(pairs[0], signal.SIGKILL)
                    return

        killer = threading.Thread(target=kill_the_pair)
        killer.start()
        result = engine.grade_file(toy, path, pool)
        killer.join()
    assert scores(result)["test_scaled"] == "passed"
    assert scores(result)["test_adds_one"] == "failed"


def test_the_grader_refuses_without_a_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "detect", lambda: isolation.Host(bwrap=None, slot_uids=False))
    with pytest.raises(SandboxError, match="refusing to run student code"):
        Pool(1)


def test_reports_say_which_isolation_was_in_force(toy: Exercise, pool: Pool) -> None:
    result = engine.grade_file(toy, SOLUTION, pool)
    if isolation.detect().bwrap is not None:
        assert "bubblewrap" in result.isolation and "NOT in force" not in result.isolation.split("seccomp")[0]


def pool_scratch() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="grader-pool-test-")


def _descendants(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _is_pair(pid: int) -> bool:
    """A pair's first process: a child of a child of a zygote (its C is the zygote's child)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            ppid = next(line.split()[1] for line in f if line.startswith("PPid:"))
        with open(f"/proc/{ppid}/status") as f:
            grand = next(line.split()[1] for line in f if line.startswith("PPid:"))
        with open(f"/proc/{grand}/cmdline", "rb") as f:
            return b"grader.sandbox.zygote" in f.read()
    except (OSError, StopIteration):
        return False


def test_without_bubblewrap_unsafe_still_grades_and_says_what_was_missing(toy: Exercise,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real = isolation.detect()
    monkeypatch.setattr(isolation, "detect", lambda: isolation.Host(bwrap=None, slot_uids=real.slot_uids))
    with Pool(1, unsafe=True, hidden=(TOY_COURSE,)) as pool:
        result = engine.grade_file(toy, SOLUTION, pool)
    assert result.score == result.max_score
    assert "NOT in force: read-only file system view" in result.isolation


def test_an_environment_under_tmp_is_refused_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "_python_roots", lambda: [Path("/tmp/clone/.venv")])
    with pytest.raises(SandboxError, match=r"lies in /tmp/clone/\.venv.*install it elsewhere"):
        isolation.zygote_command(isolation.detect(), 0, [], 3, [], Path("/var/tmp/x"), None)
