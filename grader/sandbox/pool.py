"""Warm workers on every core: run submissions in sandboxed processes forked from warm zygotes.

A :class:`Pool` has one *slot* per parallel job. A slot owns, per set of
``preload`` modules, one zygote: a process inside the sandbox that has
imported those modules once (``zygote.py``). Each run of a submission asks
the slot's zygote for a fresh process (a fork: about 10-30 ms), feeds what
that process says to a :class:`~.supervisor.Supervisor`, and kills it at the
end. A hang or crash costs a restart (another fork) with the cases not yet
decided. The pool never parses anything but the protocol's JSON lines and the
zygote's small JSON events, and reads case output only from a memory file it
created itself.

``Pool(warm=False)`` starts a fresh zygote for every worker instead: the cold
baseline of ``bench/``.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import selectors
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import probing, wire
from ..errors import SandboxError
from ..exercise import Exercise
from ..record import RunRecord
from ..submission import Submission
from . import cgroups, isolation
from .supervisor import Plan, Supervisor, WorkerEnd

READY_SECONDS = 180.0
"""How long a zygote may take to import its frameworks (TensorFlow plus transformers on a busy machine)."""
EVENT_SECONDS = 10.0
PAIR_MEMORY_SLACK_MB = 512
"""Beyond ``memory_mb``, what a pair may hold in its slot's cgroup: page cache and what it shares."""
"""How long the zygote may take to answer a request (fork a pair, report a killed one)."""


class Pool:
    """Slots of warm, sandboxed worker processes. Thread-safe: :meth:`run` blocks until a slot is free."""

    def __init__(self, jobs: int | None = None, *, unsafe: bool = False, warm: bool = True,
                 hidden: Iterable[Path] = ()) -> None:
        self.host = isolation.detect()
        self.unsafe = unsafe
        self.warm = warm
        self.hidden = (*hidden, *isolation.bundled_courses())
        if self.host.bwrap is None:
            isolation.refuse_unless_safe(isolation.Isolation(frozenset({"rlimits"})), unsafe)
        cpus = len(os.sched_getaffinity(0)) or 1
        self.jobs = max(1, jobs or cpus)
        self._free: queue.Queue[_Slot] = queue.Queue()
        pin = self.jobs > 1  # one CPU per slot keeps concurrent pairs from slowing each other down
        self._slots = [_Slot(self, index, sorted(os.sched_getaffinity(0))[index % cpus] if pin else None)
                       for index in range(self.jobs)]
        for slot in self._slots:
            self._free.put(slot)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prepare(self, preloads: Iterable[tuple[str, ...]]) -> None:
        """Start the zygotes a batch will need on every slot now, in parallel, instead of on first use."""
        wanted = set(preloads)

        def start(slot: _Slot, preload: tuple[str, ...]) -> None:
            try:
                slot.zygote(preload)
            except SandboxError:
                pass  # the first pair that needs it will try again and report why it fails

        threads = [threading.Thread(target=start, args=(slot, preload), daemon=True)
                   for slot in self._slots for preload in wanted]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def isolation(self, preload: tuple[str, ...]) -> isolation.Isolation:
        """The isolation a worker with these ``preload`` modules gets here (starts its zygote if needed)."""
        slot = self._free.get()
        try:
            return slot.zygote(preload).isolation
        finally:
            self._free.put(slot)

    def run(self, exercise: Exercise, submission: Submission) -> RunRecord:
        """Run every probe case of ``exercise`` on ``submission`` in a sandboxed worker; see the module doc."""
        slot = self._free.get()
        try:
            return slot.run(exercise, submission)
        finally:
            self._free.put(slot)

    def close(self) -> None:
        for slot in self._slots:
            slot.close()


class _Slot:
    """One parallel job: its CPU, its uid, its zygotes (one per preload set). Used by one thread at a time."""

    def __init__(self, pool: Pool, index: int, cpu: int | None) -> None:
        self.pool = pool
        self.index = index
        self.cpu = cpu
        self.cgroups = cgroups.create(index, pool.jobs) if pool.host.slot_uids else None
        self._zygotes: dict[tuple[str, ...], _Zygote] = {}
        self._lock = threading.Lock()

    def zygote(self, preload: tuple[str, ...]) -> _Zygote:
        with self._lock:
            zygote = self._zygotes.get(preload)
            if zygote is None or not zygote.alive():
                if zygote is not None:
                    zygote.close()
                zygote = _Zygote(self.pool, self.index, preload, self.cpu, self.cgroups)
                self._zygotes[preload] = zygote
            return zygote

    def run(self, exercise: Exercise, submission: Submission) -> RunRecord:
        started = time.monotonic()
        plan = plan_for(exercise)
        job = _job(exercise, submission)
        zygote = self._ready_zygote(exercise.preload)
        supervisor = Supervisor(plan, time.monotonic())
        try:
            return self._supervise(supervisor, zygote, exercise, job, started)
        finally:
            self._limit_memory(None)

    def _supervise(self, supervisor: Supervisor, zygote: _Zygote, exercise: Exercise, job: dict[str, Any],
                   started: float) -> RunRecord:
        while supervisor.action == "start":
            if not self.pool.warm or not zygote.alive():
                before = time.monotonic()
                self._limit_memory(None)  # a zygote starting imports its frameworks: the slot's whole share
                zygote = self._ready_zygote(exercise.preload, fresh=not self.pool.warm)
                supervisor.deadline += time.monotonic() - before  # the grader's start-up is not the student's time
            job["skip"] = supervisor.skip()
            self._limit_memory((exercise.limits.memory_mb + PAIR_MEMORY_SLACK_MB) << 20)
            before = self._processes()
            end = _attempt(zygote, supervisor, job)
            if not end.gone or self._processes() > before:  # something of the pair outlived it
                self.close_zygotes()
        return supervisor.record(zygote.isolation.summary(), time.monotonic() - started)

    def _ready_zygote(self, preload: tuple[str, ...], fresh: bool = False) -> _Zygote:
        if fresh:
            with self._lock:
                old = self._zygotes.pop(preload, None)
            if old is not None:
                old.close()
        zygote = self.zygote(preload)
        isolation.refuse_unless_safe(zygote.isolation, self.pool.unsafe)
        return zygote

    def _limit_memory(self, extra: int | None) -> None:
        if self.cgroups is not None:
            self.cgroups.limit_memory(extra)

    def _processes(self) -> int:
        """Processes and threads under this slot (0 without cgroups: then only the zygote's word counts)."""
        return self.cgroups.processes() if self.cgroups is not None else 0

    def close_zygotes(self) -> None:
        """Throw away every warm process of this slot, and with them anything a pair left behind."""
        with self._lock:
            for zygote in self._zygotes.values():
                zygote.close()
            self._zygotes.clear()

    def close(self) -> None:
        self.close_zygotes()
        if self.cgroups is not None:
            self.cgroups.remove()


def plan_for(exercise: Exercise) -> Plan:
    """Every case key of the exercise, the import first, each with its own deadline (trusted side)."""
    cases = probing.load_cases(exercise.probes)
    timeouts = {wire.IMPORT_KEY: exercise.limits.probe_seconds}
    timeouts.update((key, timeout or exercise.limits.probe_seconds) for key, timeout in cases)
    return Plan(tuple(timeouts), timeouts, exercise.limits.wall_seconds)


def _job(exercise: Exercise, submission: Submission) -> dict[str, Any]:
    import base64

    return {
        "nonce": secrets.token_hex(16),
        "preload": list(exercise.preload),
        "limits": {"cpu_seconds": exercise.limits.cpu_seconds, "memory_mb": exercise.limits.memory_mb},
        "output_bytes": min(exercise.limits.output_kb * 1024, wire.MAX_OUTPUT_CHARS),
        "probes": exercise.probes.read_text(encoding="utf-8"),
        "submission": {"source": submission.source,
                       "files": [[name, base64.b64encode(data).decode()] for name, data in submission.files]},
        "skip": [],
    }


def _attempt(zygote: _Zygote, supervisor: Supervisor, job: dict[str, Any]) -> WorkerEnd:
    """One worker process: start it, feed the supervisor until it wants it gone, make sure it is gone."""
    try:
        handle = zygote.launch(job)
    except SandboxError:
        supervisor.worker_started(time.monotonic(), str)
        end = WorkerEnd(None)
        supervisor.worker_ended(end, time.monotonic())
        return end
    end: WorkerEnd | None = None
    try:
        supervisor.worker_started(time.monotonic(), handle.read_output)
        end = _watch(zygote, handle, supervisor)
    finally:
        if end is None:  # still running: the supervisor wants it gone, or something failed on our side
            zygote.kill(handle.pair)
            end = zygote.wait_exit(handle.pair)
    try:
        handle.drain(supervisor)
        supervisor.worker_ended(end, time.monotonic())
    finally:
        handle.close()
    return end


def _watch(zygote: _Zygote, handle: _Handle, supervisor: Supervisor) -> WorkerEnd | None:
    """Feed the supervisor until it wants the worker gone (None) or the worker ended (its end)."""
    selector = selectors.DefaultSelector()
    selector.register(handle.channel, selectors.EVENT_READ, "channel")
    selector.register(zygote.control, selectors.EVENT_READ, "zygote")
    end: WorkerEnd | None = None
    try:
        while supervisor.action == "wait" and end is None:
            timeout = max(0.0, supervisor.next_deadline() - time.monotonic())
            for key, _ in selector.select(min(timeout, 1.0)):
                if key.data == "channel":
                    _feed(handle, supervisor)
                    if handle.closed:  # every writer is gone; the zygote's exit event follows
                        selector.unregister(handle.channel)
                else:
                    end = zygote.read_exit(handle.pair) or end
            if time.monotonic() >= supervisor.next_deadline() and not handle.closed:
                _feed(handle, supervisor)  # a message written in time must count, however late we woke
            supervisor.tick(time.monotonic())
    finally:
        selector.close()
    return end


def _feed(handle: _Handle, supervisor: Supervisor) -> None:
    try:
        for message in handle.read_messages():
            supervisor.message(message, time.monotonic())
    except wire.ProtocolError as e:
        supervisor.protocol_error(e)


@dataclass
class _Handle:
    """The grader's ends of one worker process: the protocol pipe and the case-output memory file."""

    pair: int
    channel: int
    output: int
    nonce: str
    output_bytes: int
    pending: bytearray
    closed: bool = False
    received: int = 0

    def read_output(self) -> str:
        """What the current case printed so far (read from our own descriptor, capped; no path involved)."""
        try:
            return os.pread(self.output, self.output_bytes, 0).decode("utf-8", errors="replace")
        except OSError:
            return ""

    def read_messages(self) -> list[dict[str, Any]]:
        """Every complete message now readable on the pipe; raises ``wire.ProtocolError``."""
        try:
            chunk = os.read(self.channel, 1 << 16)
        except BlockingIOError:
            return []
        if not chunk:
            self.closed = True
            return []
        self.received += len(chunk)
        if self.received > wire.MAX_RUN_BYTES:
            raise wire.ProtocolError("the worker sent more than the protocol allows in all")
        has_line = b"\n" in chunk  # only the new bytes are searched: a long line costs linear time
        self.pending += chunk
        if not has_line:
            if len(self.pending) > wire.MAX_LINE_BYTES:
                raise wire.ProtocolError("message too large")
            return []
        *lines, rest = bytes(self.pending).split(b"\n")
        self.pending = bytearray(rest)
        messages = []
        for line in lines:
            message = wire.parse_message(line)
            # The nonce only makes forging deliberate: the student's code shares the worker's memory.
            if message.pop("nonce", None) != self.nonce:
                raise wire.ProtocolError("message without the run's nonce")
            messages.append(message)
        return messages

    def drain(self, supervisor: Supervisor) -> None:
        """Messages written before the worker ended (its processes are all gone: the pipe ends soon)."""
        limit = time.monotonic() + 2.0
        while not self.closed and time.monotonic() < limit:
            ready = selectors.DefaultSelector()
            ready.register(self.channel, selectors.EVENT_READ)
            if ready.select(0.2):
                _feed(self, supervisor)
            ready.close()

    def close(self) -> None:
        for fd in (self.channel, self.output):
            try:
                os.close(fd)
            except OSError:
                pass


class _Zygote:
    """The grader's side of one warm process (``zygote.py``) in one slot."""

    def __init__(self, pool: Pool, slot: int, preload: tuple[str, ...], cpu: int | None,
                 slot_cgroups: cgroups.SlotCgroups | None) -> None:
        self.preload = preload
        self._pairs = 0
        self._exits: dict[int, WorkerEnd] = {}
        self._scratch: Path | None = None
        if pool.host.bwrap is None:
            # Not under /tmp: each pair mounts a fresh /tmp, which would hide these folders.
            outside_tmp = "/var/tmp" if os.access("/var/tmp", os.W_OK) else None
            self._scratch = Path(tempfile.mkdtemp(prefix="grader-slot-", dir=outside_tmp))
            for name in ("home", "work"):
                (self._scratch / name).mkdir()
            if pool.host.slot_uids:
                os.chown(self._scratch, isolation.slot_uid(slot), isolation.slot_uid(slot))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv, env, _ = isolation.zygote_command(pool.host, slot, preload, theirs.fileno(), pool.hidden,
                                                self._scratch, cpu, slot_cgroups)
        self.control = ours
        self.process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, pass_fds=(theirs.fileno(),), cwd="/",
                                        start_new_session=True)
        theirs.close()
        ready = self._next_event(READY_SECONDS)
        if ready is None or ready.get("event") != "ready":
            detail = str(ready.get("error", ""))[:300] if ready else self._stderr_tail()
            self.close()
            raise SandboxError(f"a sandboxed worker process did not start ({detail or 'no message'})")
        exposed = ready.get("exposed") or []
        if exposed and not pool.unsafe:
            self.close()
            raise SandboxError(f"the sandbox would let a worker read {exposed[0]} (a hidden folder); refusing")
        self.isolation = isolation.layers_for(pool.host, ready.get("layers", {}), cpu, slot_cgroups is not None)
        os.set_blocking(self.control.fileno(), True)

    def alive(self) -> bool:
        return self.process.poll() is None

    def launch(self, job: dict[str, Any]) -> _Handle:
        """Have the zygote fork a worker for ``job``; return our ends of its pipe and output file."""
        self._pairs += 1
        pair = self._pairs
        read_fd, write_fd = os.pipe()
        output = os.memfd_create("case-output", os.MFD_CLOEXEC)
        job_file = os.memfd_create("job", os.MFD_CLOEXEC)
        try:
            data = json.dumps(job).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(job_file, view):]
            socket.send_fds(self.control, [json.dumps({"op": "run", "pair": pair}).encode()],
                            [write_fd, output, job_file])
        except OSError as e:
            for fd in (read_fd, output):
                os.close(fd)
            raise SandboxError(f"could not reach the sandboxed worker process ({e})") from None
        finally:
            os.close(write_fd)
            os.close(job_file)
        os.set_blocking(read_fd, False)
        event = self._next_event(EVENT_SECONDS, pair)
        if event is None:
            os.close(read_fd)
            os.close(output)
            self.close()
            raise SandboxError("the sandboxed worker process did not answer")
        return _Handle(pair, read_fd, output, job["nonce"], job["output_bytes"], bytearray())

    def kill(self, pair: int) -> None:
        if pair not in self._exits:
            try:
                self.control.send(json.dumps({"op": "kill", "pair": pair}).encode())
            except OSError:
                pass

    def read_exit(self, pair: int) -> WorkerEnd | None:
        """Read one pending event; the worker's end if it is the one of ``pair``."""
        self._next_event(0.0, pair)
        return self._exits.get(pair)

    def wait_exit(self, pair: int) -> WorkerEnd:
        limit = time.monotonic() + EVENT_SECONDS
        while pair not in self._exits and time.monotonic() < limit:
            if self._next_event(limit - time.monotonic(), pair) is None and not self.alive():
                break
        end = self._exits.get(pair)
        if end is None:  # the zygote itself is stuck: throw it away (and with it every process it started)
            self.close()
            return WorkerEnd(None, gone=False)
        return end

    def _next_event(self, timeout: float, pair: int | None = None) -> dict[str, Any] | None:
        selector = selectors.DefaultSelector()
        selector.register(self.control, selectors.EVENT_READ)
        try:
            if not selector.select(timeout):
                return None
            data = self.control.recv(65536)
        except OSError:
            return None
        finally:
            selector.close()
        if not data:
            return None
        event = json.loads(data)
        if event.get("event") == "exited":
            code, sig = event.get("code"), event.get("signal")
            self._exits[int(event["pair"])] = WorkerEnd(code if isinstance(code, int) else None,
                                                       sig if isinstance(sig, int) else None,
                                                       gone=event.get("gone") is not False)
        return event

    def _stderr_tail(self) -> str:
        try:
            self.process.kill()
            _, err = self.process.communicate(timeout=5)
        except (OSError, subprocess.SubprocessError):
            return ""
        lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        return wire.clean_text(lines[-1], max_chars=300) if lines else ""

    def close(self) -> None:
        try:
            self.control.close()
        except OSError:
            pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.process.stderr is not None:
            self.process.stderr.close()
        if self._scratch is not None:
            import shutil

            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
