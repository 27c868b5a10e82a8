"""Run one submission against one exercise's probes in fresh worker processes.

The parent side of the worker protocol: it prepares a scratch folder, starts the
worker with a clean environment and its own session (and, where the kernel
allows, its own network and PID namespaces), reads observations from a private
pipe, enforces wall-clock deadlines from outside, caps what the worker prints,
and kills everything the worker started. It never formats text for a person and
never judges: it returns a :class:`RunRecord` of plain data.

When a case hangs or kills its worker, that case is recorded as failed and a
fresh worker goes on with the remaining cases, so one hang costs only the
checks that need it.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from . import wire
from .exercise import Exercise
from .submission import Submission
from .worker import CASE_OUTPUT_FILE, CPU_LIMIT_EXIT, IMPORT_KEY

Exit = Literal["ok", "crash", "timeout", "cpu", "protocol"]
MAX_RESTARTS = 3


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What came back from running a submission: observations, never verdicts."""

    plan: tuple[str, ...] | None
    """Every observation key the probes declared; None if the worker never said."""
    observations: dict[str, Any]
    """Encoded value (see ``wire``) or :class:`wire.ProbeError`, by observation key."""
    exit: Exit
    """How the last worker ended."""
    incidents: tuple[str, ...]
    """One line per thing that went wrong (timeouts, crashes, protocol errors)."""
    isolation: str
    outputs: dict[str, str] = field(default_factory=dict)
    """What the worker printed while each case ran (capped); may carry anything it read."""
    seconds: float = 0.0
    workers: int = 1


    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": list(self.plan) if self.plan is not None else None,
            "observations": {k: {"error": v.to_dict()} if isinstance(v, wire.ProbeError) else {"value": v}
                             for k, v in self.observations.items()},
            "exit": self.exit, "incidents": list(self.incidents), "isolation": self.isolation,
            "outputs": self.outputs, "seconds": self.seconds, "workers": self.workers,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        observations = {k: wire.ProbeError(**v["error"]) if "error" in v else v["value"]
                        for k, v in data["observations"].items()}
        plan = tuple(data["plan"]) if data["plan"] is not None else None
        return cls(plan, observations, data["exit"], tuple(data["incidents"]), data["isolation"],
                   data["outputs"], data["seconds"], data["workers"])


@lru_cache(maxsize=1)
def namespace_prefix() -> tuple[str, ...]:
    """``unshare`` arguments for a private network and PID namespace, if this kernel allows them.

    No network: a download attempt fails at once. A PID namespace: when the
    worker ends, the kernel kills every process it left behind.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    prefix = (unshare, "--net", "--pid", "--fork", "--kill-child", "--map-root-user")
    try:
        ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return prefix if ok else ()


def isolation_summary() -> str:
    """The isolation in force, as one line for every report."""
    layers = ["fresh process per submission", "own session", "rlimits (cpu, data, fsize)", "clean environment"]
    if namespace_prefix():
        layers.append("no network and own PID namespace (unshare)")
    else:
        layers.append("network NOT isolated (no user namespaces)")
    return "; ".join(layers)


def worker_environment(home: Path) -> dict[str, str]:
    """A clean environment: nothing of the grader's leaks in; threads pinned to 1."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",  # set iteration order must not vary between runs
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "KERAS_BACKEND": "tensorflow",
        "CUDA_VISIBLE_DEVICES": "",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "MPLBACKEND": "Agg",
        "MALLOC_ARENA_MAX": "2",
    }


def run(exercise: Exercise, submission: Submission) -> RunRecord:
    """Run every probe case of ``exercise`` on ``submission``; see the module docstring."""
    started = time.monotonic()
    deadline = started + exercise.limits.wall_seconds
    scratch = Path(tempfile.mkdtemp(prefix="grader-run-"))
    try:
        entry = _prepare(scratch, exercise, submission)
        state = _RunState()
        while True:
            state.workers += 1
            _run_worker(state, exercise, entry, scratch, deadline)
            remaining = state.remaining()
            if state.finished or state.plan is None or not remaining or state.exit == "protocol":
                break  # a worker that broke the protocol gets no second chance
            if time.monotonic() >= deadline:
                state.incidents.append(f"the time limit of {exercise.limits.wall_seconds:g} s was reached; "
                                       f"{len(remaining)} probe case(s) never ran")
                break
            if not state.progressed or state.workers > MAX_RESTARTS:
                state.incidents.append(f"gave up after {state.workers} worker(s); "
                                       f"{len(remaining)} probe case(s) never ran")
                break
        return RunRecord(
            plan=tuple(state.plan) if state.plan is not None else None,
            observations=state.observations,
            exit=state.exit,
            incidents=tuple(state.incidents),
            isolation=isolation_summary(),
            outputs=state.outputs,
            seconds=time.monotonic() - started,
            workers=state.workers,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _prepare(scratch: Path, exercise: Exercise, submission: Submission) -> Path:
    """Lay out the scratch folder: the probes apart, the student's files in ``work/``."""
    (scratch / "probes").mkdir()
    shutil.copyfile(exercise.probes, scratch / "probes" / "probes.py")
    work = scratch / "work"
    work.mkdir()
    (scratch / "home").mkdir()
    for relative, data in submission.files:
        target = (work / relative).resolve()
        if work.resolve() not in target.parents:
            continue  # submission.py already refused such paths; this is the second lock
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    entry = work / "submission.py"
    entry.write_text(submission.source, encoding="utf-8")
    return entry


class _RunState:
    """What the parent has learned so far, across restarts."""

    def __init__(self) -> None:
        self.plan: list[str] | None = None
        self.timeouts: dict[str, float | None] = {}
        self.observations: dict[str, Any] = {}
        self.outputs: dict[str, str] = {}
        self.incidents: list[str] = []
        self.exit: Exit = "ok"
        self.finished = False
        self.progressed = False
        self.workers = 0

    def remaining(self) -> list[str]:
        return [k for k in (self.plan or []) if k not in self.observations]


def _run_worker(state: _RunState, exercise: Exercise, entry: Path, scratch: Path, deadline: float) -> None:
    job = {
        "probes": str(scratch / "probes" / "probes.py"),
        "submission": str(entry),
        "preload": list(exercise.preload),
        "limits": {"cpu_seconds": exercise.limits.cpu_seconds, "memory_mb": exercise.limits.memory_mb},
        "skip": sorted(state.observations),
        "output": str(scratch / "home" / CASE_OUTPUT_FILE),
        "output_bytes": min(exercise.limits.output_kb * 1024, wire.MAX_OUTPUT_CHARS),
        "nonce": secrets.token_hex(16),
    }
    job_file = scratch / f"job-{state.workers}.json"
    job_file.write_text(json.dumps(job))
    read_fd, write_fd = os.pipe()
    command = [*namespace_prefix(), sys.executable, "-P", "-s", "-B", "-m", "grader.worker",
               "--job", str(job_file), "--fd", str(write_fd)]
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            pass_fds=(write_fd,), cwd=scratch, env=worker_environment(scratch / "home"),
            start_new_session=True,
        )
    finally:
        os.close(write_fd)
    state.progressed, state.exit = False, "ok"
    reader = _Reader(process, read_fd, job["nonce"])
    case_output = (Path(job["output"]), job["output_bytes"])
    current: str | None = None
    case_deadline = deadline
    try:
        while True:
            now = time.monotonic()
            limit = min(deadline, case_deadline)
            if now >= limit:
                if current is not None:
                    seconds = exercise.limits.wall_seconds if limit == deadline else state.timeouts.get(
                        current) or exercise.limits.probe_seconds
                    state.observations[current] = wire.ProbeError(
                        "Timeout", f"Your code did not finish within {seconds:g} s (it may loop forever).")
                    state.outputs[current] = _read_case_output(case_output)
                    state.progressed = True
                state.incidents.append(_case_label(current) + " timed out; worker killed")
                state.exit = "timeout"
                return
            message = reader.next_message(limit - now)
            if message is None:  # channel closed: the worker ended
                break
            kind = message["type"]
            if kind == "plan":
                if state.plan is None:
                    state.plan = message["keys"]
                    state.timeouts = dict(zip(message["keys"][1:], message["timeouts"], strict=True))
            elif kind == "start":
                if state.plan is None or message["key"] not in state.plan or current is not None:
                    raise wire.ProtocolError("unexpected start")
                current = message["key"]
                budget = state.timeouts.get(current) or exercise.limits.probe_seconds
                case_deadline = time.monotonic() + (budget if current != IMPORT_KEY else 10 ** 9)
            elif kind == "observation":
                key = message["key"]
                if key != current or key in state.observations:
                    raise wire.ProtocolError("observation for a case that is not running")
                state.observations[key] = message.get("error", message.get("value"))
                state.outputs[key] = message["output"]
                state.progressed = True
                current, case_deadline = None, deadline
            elif kind == "done":
                state.finished = True
                break  # a forked child may hold the pipe open: do not wait for its end
        _classify_end(state, process, current, case_output)
    except wire.ProtocolError as e:
        state.incidents.append(f"the worker broke the protocol ({e}); its remaining observations are missing")
        state.exit = "protocol"
    finally:
        reader.close()
        _kill(process)


def _classify_end(state: _RunState, process: subprocess.Popen[bytes], current: str | None,
                  case_output: tuple[Path, int]) -> None:
    """The channel closed: find out how the worker ended and blame the case it was running."""
    try:
        code = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        code = None
    if state.finished:  # every observation arrived; how it exited afterwards does not matter
        return
    if code == CPU_LIMIT_EXIT or (code is not None and code < 0 and -code == signal.SIGXCPU):
        reason, state.exit = "the CPU time limit was exceeded", "cpu"
        message = "Your code used more CPU time than allowed (it may loop forever)."
    else:
        reason = f"the worker ended unexpectedly ({_describe_code(code)})"
        state.exit = "crash"
        message = (f"Your code ended or crashed the process ({_describe_code(code)}) instead of returning; "
                   "it may have called exit() or run out of memory.")
    state.incidents.append(_case_label(current) + ": " + reason)
    if current is not None and current not in state.observations:
        state.observations[current] = wire.ProbeError("Crashed", message)
        state.outputs[current] = _read_case_output(case_output)
        state.progressed = True


def _read_case_output(case_output: tuple[Path, int]) -> str:
    """What a case that never reported had printed (the worker's capture file), capped."""
    path, limit = case_output
    try:
        with path.open("rb") as f:
            return wire.clean_text(f.read(limit).decode("utf-8", errors="replace"))
    except OSError:
        return ""


def _case_label(key: str | None) -> str:
    """Where something happened, naming the probe but never its (hidden) arguments."""
    if key is None:
        return "outside any probe"
    if key == IMPORT_KEY:
        return "while importing the submission"
    return f"probe {key.split('{', 1)[0]!r}"


def _describe_code(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the worker's whole session (and so everything it started) and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class _Reader:
    """Reads the protocol pipe, and drains stdout/stderr so the worker never blocks on them.

    Each case's output reaches the parent inside its observation (the worker
    captures it); what still arrives on stdout/stderr comes from outside any
    case and is discarded, so a flood costs the grader nothing.
    """

    def __init__(self, process: subprocess.Popen[bytes], channel_fd: int, nonce: str) -> None:
        self.nonce = nonce
        self.selector = selectors.DefaultSelector()
        self.channel_fd = channel_fd
        assert process.stdout is not None and process.stderr is not None
        self.streams = {process.stdout.fileno(): process.stdout, process.stderr.fileno(): process.stderr}
        for fd in (channel_fd, *self.streams):
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ)
        self.pending = bytearray()
        self.messages: list[dict[str, Any]] = []
        self.closed = False

    def next_message(self, timeout: float) -> dict[str, Any] | None:
        """The next protocol message; ``{"type": "tick"}`` on timeout; None once the channel closed."""
        end = time.monotonic() + timeout
        while not self.messages:
            if self.closed:
                return None
            remaining = end - time.monotonic()
            if remaining <= 0:
                return {"type": "tick"}  # the caller re-checks its deadlines
            for key, _ in self.selector.select(min(remaining, 1.0)):
                self._read(key.fd)
        return self.messages.pop(0)

    def _read(self, fd: int) -> None:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            self.selector.unregister(fd)
            self.closed = self.closed or fd == self.channel_fd
            return
        if fd != self.channel_fd:
            return
        self.pending += chunk
        if len(self.pending) > wire.MAX_LINE_BYTES and b"\n" not in self.pending:
            raise wire.ProtocolError("message too large")
        while b"\n" in self.pending:
            line, _, rest = bytes(self.pending).partition(b"\n")
            self.pending = bytearray(rest)
            message = wire.parse_message(line)
            # The nonce only makes forging deliberate: the student's code shares the worker's memory.
            if message.pop("nonce", None) != self.nonce:
                raise wire.ProtocolError("message without the run's nonce")
            self.messages.append(message)

    def close(self) -> None:
        self.selector.close()
        os.close(self.channel_fd)
        for stream in self.streams.values():
            stream.close()
