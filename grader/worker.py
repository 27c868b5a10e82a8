"""Inside the sandbox: import the submission, run every probe case, send observations.

Started by ``sandbox.py`` as ``python -P -s -B -m grader.worker --job FILE --fd N``.
It limits itself (rlimits) before any student code runs, writes protocol
messages only to fd N (never stdout, which the student owns), and ends with
``os._exit`` so that the student's ``atexit`` handlers and finalisers never run.

This process holds no expected values and runs no checks: whatever the student's
code does here can change the observations, never the verdict.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from . import wire
from .probing import ProbeSpec, case_key, collect, seed_everything
from .submission import NOTEBOOK_CELL_MARK

IMPORT_KEY = case_key("import", {})
CASE_OUTPUT_FILE = "case-output.txt"
CPU_LIMIT_EXIT = 75
"""Exit status of a worker that hit its CPU-time limit (a signal's death is not visible through unshare)."""
STUDENT_MODULE = "submission"


class CaseOutput:
    """Sends fd 1 and 2 to a file while one case runs, so its output is attributed exactly.

    File descriptors, not ``sys.stdout``: output written by C code or
    subprocesses is caught too. The parent reads the same file when a case
    hangs or crashes before it could report.
    """

    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.saved = (os.dup(1), os.dup(2))
        for fd in self.saved:
            os.set_inheritable(fd, False)

    def start(self) -> None:
        _flush_output()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)

    def stop(self) -> str:
        _flush_output()
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        try:
            with open(self.path, "rb") as f:
                return f.read(self.limit).decode("utf-8", errors="replace")
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="grader.worker")
    parser.add_argument("--job", required=True)
    parser.add_argument("--fd", type=int, required=True)
    args = parser.parse_args(argv)
    job_file = Path(args.job)
    job = json.loads(job_file.read_text())
    job_file.unlink()  # the nonce in it must not be readable by the student's code
    channel = Channel(args.fd, job["nonce"])
    _limit_resources(job["limits"])
    channel.send({"type": "hello", "pid": os.getpid()})

    preload(job["preload"])
    probes = _load_probes(Path(job["probes"]))
    cases = [(spec, case) for spec in probes for case in spec.cases]
    channel.send({"type": "plan", "keys": [IMPORT_KEY] + [case_key(s.name, c) for s, c in cases],
                  "timeouts": [s.timeout for s, _ in cases]})
    skip = set(job["skip"])

    output = CaseOutput(Path(job["output"]), job["output_bytes"])
    student, import_error = _import_submission(Path(job["submission"]), channel, skip, output)
    for spec, case in cases:
        key = case_key(spec.name, case)
        if key in skip:
            continue
        channel.send({"type": "start", "key": key})
        if import_error is not None:
            channel.send({"type": "observation", "key": key, "seconds": 0.0, "error": import_error})
            continue
        output.start()
        message = _run_case(spec, case, key, student, Path(job["submission"]))
        message["output"] = output.stop()
        _send_observation(channel, message)
    channel.send({"type": "done"})
    os._exit(0)


def preload(modules: list[str]) -> None:
    """Import the exercise's ``preload`` modules before the student's code, torch with threads pinned to 1.

    Pinning must happen before the first op (KNOWN_BUGS.md §1-2): two threads
    made tiny models 5-8x slower on these machines.
    """
    for name in modules:
        importlib.import_module(name)
        if name == "torch":
            import torch

            torch.set_num_threads(1)
            torch.set_num_interop_threads(1)
        elif name == "tensorflow":
            import tensorflow as tf

            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)


def _on_cpu_limit(signum: int, frame: Any) -> None:
    os._exit(CPU_LIMIT_EXIT)


def _limit_resources(limits: dict[str, Any]) -> None:
    signal.signal(signal.SIGXCPU, _on_cpu_limit)  # code stuck in C gets SIGKILL a second later
    cpu = int(limits["cpu_seconds"])
    memory = int(limits["memory_mb"]) * 1024 * 1024
    for which, soft, hard in (
        (resource.RLIMIT_CPU, cpu, cpu + 1),  # SIGXCPU first, SIGKILL a second later
        (resource.RLIMIT_DATA, memory, memory),  # not RLIMIT_AS: it breaks TensorFlow
        (resource.RLIMIT_FSIZE, 64 * 1024 * 1024, 64 * 1024 * 1024),
        (resource.RLIMIT_CORE, 0, 0),
    ):
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            pass  # cannot tighten beyond the current hard limit: keep that one


def _load_probes(path: Path) -> list[ProbeSpec]:
    spec = importlib.util.spec_from_file_location("grader_exercise_probes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return collect(vars(module))


def _import_submission(path: Path, channel: Channel, skip: set[str], output: CaseOutput
                       ) -> tuple[ModuleType | None, Any]:
    """Import the student's file as module ``submission``; observe how it went."""
    sys.path.append(str(path.parent))  # helper modules of a zip; appended so they never shadow libraries
    os.chdir(path.parent)
    before = set(sys.modules)
    started = time.perf_counter()
    if IMPORT_KEY not in skip:
        channel.send({"type": "start", "key": IMPORT_KEY})
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
        if IMPORT_KEY not in skip:
            channel.send({"type": "observation", "key": IMPORT_KEY, "seconds": time.perf_counter() - started,
                          "error": error.to_dict(), "output": printed})
        failed = wire.ProbeError("ImportFailed", f"Your file could not be imported: {error.type}: {error.message}")
        return None, failed.to_dict()
    printed = output.stop()
    seconds = time.perf_counter() - started
    modules = sorted({name.split(".")[0] for name in set(sys.modules) - before} - {STUDENT_MODULE})
    if IMPORT_KEY not in skip:
        channel.send({"type": "observation", "key": IMPORT_KEY, "seconds": seconds,
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
        error = wire.ProbeError("UnsupportedValue", f"your code returned a value that cannot be checked: {exc}")
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
        error = wire.ProbeError("UnsupportedValue", str(exc))
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
    message = wire.clean_text(message, max_lines=wire.MAX_ERROR_LINES - 1, max_chars=wire.MAX_MESSAGE_CHARS - 80)
    if line is not None:
        message += f" ({_locate(student_file, line)})"
    return wire.ProbeError(error.type, message[: wire.MAX_MESSAGE_CHARS])


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


if __name__ == "__main__":
    main()
