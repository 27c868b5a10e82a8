"""Inside the sandbox: one pair's worker: import the submission, run every probe case, send observations.

The zygote (``sandbox/zygote.py``) forks a process per pair, isolates it and
calls :func:`run_job` with the job it read from the grader. The worker limits
itself (rlimits) before any student code runs, writes protocol messages only to
its channel (never stdout, which the student owns), captures what each case
prints into a memory file the grader also holds, and ends with ``os._exit`` so
that the student's ``atexit`` handlers and finalisers never run.

This process holds no expected values and runs no checks: whatever the student's
code does here can change the observations, never the verdict.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from . import wire
from .probing import ProbeSpec, case_key, collect, seed_everything
from .submission import NOTEBOOK_CELL_MARK

STUDENT_MODULE = "submission"
ENTRY_FILE = "submission.py"


class CaseOutput:
    """Sends fd 1 and 2 to a memory file while one case runs, so its output is attributed exactly.

    File descriptors, not ``sys.stdout``: output written by C code or
    subprocesses is caught too. The grader holds its own descriptor of the same
    memory file and reads it when a case hangs or crashes before it could report;
    no path is involved, so nothing the student plants can redirect that read.
    """

    def __init__(self, fd: int, limit: int) -> None:
        self.fd = fd
        self.limit = limit
        self.quiet = os.open(os.devnull, os.O_WRONLY)
        os.set_inheritable(self.fd, False)

    def start(self) -> None:
        _flush_output()
        os.ftruncate(self.fd, 0)
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.dup2(self.fd, 1)
        os.dup2(self.fd, 2)

    def stop(self) -> str:
        _flush_output()
        os.dup2(self.quiet, 1)
        os.dup2(self.quiet, 2)
        try:
            return os.pread(self.fd, self.limit, 0).decode("utf-8", errors="replace")
        except OSError:
            return ""


class Channel:
    """The protocol pipe, written with raw ``os.write`` (no buffer the student can reach)."""

    def __init__(self, fd: int, nonce: str) -> None:
        self.fd = fd
        self.nonce = nonce
        os.set_inheritable(fd, False)  # a subprocess of the student's must not get it

    def send(self, message: dict[str, Any]) -> None:
        data = wire.dump_message({**message, "nonce": self.nonce})
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]


def run_job(job: dict[str, Any], channel_fd: int, output_fd: int) -> NoReturn:
    """Run one job (see ``sandbox/pool.py`` for its fields) and exit; never returns."""
    channel = Channel(channel_fd, job["nonce"])
    _limit_resources(job["limits"])
    channel.send({"type": "hello"})
    after_fork(job["preload"])
    entry = _lay_out(job["submission"])
    probes = _load_probes(job["probes"])
    skip = set(job["skip"])
    output = CaseOutput(output_fd, job["output_bytes"])
    student, import_error = _import_submission(entry, channel, skip, output)
    for spec in probes:
        for case in spec.cases:
            key = case_key(spec.name, case)
            if key in skip:
                continue
            channel.send({"type": "start", "key": key})
            if import_error is not None:
                channel.send({"type": "observation", "key": key, "seconds": 0.0, "error": import_error})
                continue
            output.start()
            message = _run_case(spec, case, key, student, entry)
            message["output"] = output.stop()
            _send_observation(channel, message)
    channel.send({"type": "done"})
    os._exit(0)


def warm(modules: list[str]) -> None:
    """Import the exercise's ``preload`` modules (in the zygote, before any fork).

    torch: threads pinned to 1 before the first op and an optimizer built, so
    that its lazy imports are paid once, here (KNOWN_BUGS.md §2). TensorFlow:
    imported only; one op or one Keras model here would make every child's
    ``fit`` hang. numpy always: probes and submissions of every kind use it.
    """
    for name in ("numpy", *modules):
        importlib.import_module(name)
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
        torch.optim.Adam(torch.nn.Linear(1, 1).parameters())


def after_fork(modules: list[str]) -> None:
    """In the pair's process: what may only happen after the fork (TensorFlow's thread pools)."""
    for name in modules:
        importlib.import_module(name)  # already imported by a warm zygote: free
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
        try:
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass  # the runtime is already initialised (an op ran): nothing to pin any more
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def _lay_out(submission: dict[str, Any]) -> Path:
    """Write the student's files into the (private, fresh) working folder; return the entry file."""
    work = Path.cwd()
    for relative, data in submission["files"]:
        target = (work / relative).resolve()
        if work.resolve() not in target.parents:
            continue  # submission.py already refused such paths; this is the second lock
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
    entry = work / ENTRY_FILE
    entry.write_text(submission["source"], encoding="utf-8")
    return entry


def _on_cpu_limit(signum: int, frame: Any) -> None:
    os._exit(wire.CPU_LIMIT_EXIT)


def _limit_resources(limits: dict[str, Any]) -> None:
    """rlimits for this process and everything it starts.

    Memory is ``RLIMIT_DATA`` (not ``RLIMIT_AS``, which breaks TensorFlow),
    counted on top of what this process already holds: a worker forked from a
    warm zygote inherits the frameworks' heap, and a limit that ignored it would
    make every answer fail.
    """
    signal.signal(signal.SIGXCPU, _on_cpu_limit)  # code stuck in C gets SIGKILL a second later
    cpu = int(limits["cpu_seconds"])
    memory = _data_in_use() + int(limits["memory_mb"]) * 1024 * 1024
    for which, soft, hard in (
        (resource.RLIMIT_CPU, cpu, cpu + 1),  # SIGXCPU first, SIGKILL a second later
        (resource.RLIMIT_DATA, memory, memory),
        (resource.RLIMIT_FSIZE, 64 * 1024 * 1024, 64 * 1024 * 1024),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_NOFILE, 1024, 1024),
        (resource.RLIMIT_NPROC, 512, 512),  # processes and threads of this uid (in this user namespace)
    ):
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            pass  # cannot tighten beyond the current hard limit: keep that one


def _data_in_use() -> int:
    """Bytes of this process's data segment now (``VmData``), or 0 if unknown."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _load_probes(source: str) -> list[ProbeSpec]:
    """The exercise's probes, from the text the grader sent (never from a file the student could rewrite)."""
    module = ModuleType("grader_exercise_probes")
    module.__file__ = "<probes>"
    exec(compile(source, "<probes>", "exec"), module.__dict__)
    return collect(vars(module))


def _import_submission(path: Path, channel: Channel, skip: set[str], output: CaseOutput
                       ) -> tuple[ModuleType | None, Any]:
    """Import the student's file as module ``submission``; observe how it went."""
    sys.path.append(str(path.parent))  # helper modules of a zip; appended so they never shadow libraries
    os.chdir(path.parent)
    before = set(sys.modules)
    started = time.perf_counter()
    if wire.IMPORT_KEY not in skip:
        channel.send({"type": "start", "key": wire.IMPORT_KEY})
    seed_everything(0)
    output.start()
    try:
        spec = importlib.util.spec_from_file_location(STUDENT_MODULE, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[STUDENT_MODULE] = module
        spec.loader.exec_module(module)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included: they are the student's
        error = _describe_failure(exc, path)
        printed = output.stop()
        if wire.IMPORT_KEY not in skip:
            channel.send({"type": "observation", "key": wire.IMPORT_KEY, "seconds": time.perf_counter() - started,
                          "error": error.to_dict(), "output": printed})
        failed = wire.ProbeError("import-blocked", error.type,
                                 f"Your file could not be imported: {error.type}: {error.message}")
        return None, failed.to_dict()
    printed = output.stop()
    seconds = time.perf_counter() - started
    modules = sorted({name.split(".")[0] for name in set(sys.modules) - before} - {STUDENT_MODULE})
    if wire.IMPORT_KEY not in skip:
        channel.send({"type": "observation", "key": wire.IMPORT_KEY, "seconds": seconds,
                      "value": {"seconds": seconds, "modules": modules}, "output": printed})
    return module, None


def _run_case(spec: ProbeSpec, case: dict[str, Any], key: str, student: Any, student_file: Path
              ) -> dict[str, Any]:
    started = time.perf_counter()
    seed_everything(0)
    try:
        value = wire.encode(spec.function(student, **case))
        message = {"type": "observation", "key": key, "value": value}
    except wire.UnsupportedValue as exc:
        error = wire.ProbeError("unsupported", "", f"Your code returned a value that cannot be checked: {exc}")
        message = {"type": "observation", "key": key, "error": error.to_dict()}
    except BaseException as exc:
        error = _describe_failure(exc, student_file)
        message = {"type": "observation", "key": key, "error": error.to_dict()}
    message["seconds"] = time.perf_counter() - started
    return message


def _send_observation(channel: Channel, message: dict[str, Any]) -> None:
    try:
        channel.send(message)
    except ValueError as exc:  # too large to send
        error = wire.ProbeError("unsupported", "", str(exc))
        channel.send({"type": "observation", "key": message["key"], "seconds": message["seconds"],
                      "error": error.to_dict()})


def _describe_failure(exc: BaseException, student_file: Path) -> wire.ProbeError:
    """Type and message, plus where in the student's file it happened (never the probe's code)."""
    error = wire.safe_error(exc)
    message = error.message.replace(str(student_file), "your file")
    line: int | None = None
    if isinstance(exc, SyntaxError):
        message, line = str(exc.msg), exc.lineno
    else:
        try:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(student_file)]
            if frames:
                line = frames[-1].lineno
        except BaseException:
            pass
    try:
        if isinstance(exc, AttributeError) and exc.obj is sys.modules.get(STUDENT_MODULE) and exc.name:
            message = f"your file does not define {exc.name!r}"
    except BaseException:
        pass
    if isinstance(exc, MemoryError) and not message:
        message = "ran out of memory (the grader's memory limit was reached)"
    # Trim before adding the location, so that a long (Keras) message cannot push it out.
    message = wire.clean_text(message, max_lines=wire.MAX_ERROR_LINES, max_chars=wire.MAX_MESSAGE_CHARS - 80)
    if line is not None:
        message += f" ({_locate(student_file, line)})"
    return wire.ProbeError("raised", error.type, message[: wire.MAX_MESSAGE_CHARS])


def _locate(student_file: Path, line: int) -> str:
    """'line N of your file', or 'cell K, line M' for a notebook (cells are marked in the source)."""
    try:
        lines = student_file.read_text(encoding="utf-8").splitlines()[:line]
    except (OSError, UnicodeDecodeError):
        return f"line {line} of your file"
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith(NOTEBOOK_CELL_MARK):
            cell = lines[index].removeprefix(NOTEBOOK_CELL_MARK).split()[0]
            return f"notebook cell {cell}, line {line - index - 1}"
    return f"line {line} of your file"


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass

