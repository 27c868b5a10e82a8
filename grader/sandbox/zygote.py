"""Inside the sandbox: a warm fork server. It imports the frameworks once, then forks one process per pair.

Started by the pool as ``python -s -P -B -u -m grader.sandbox.zygote CONFIG`` inside
bubblewrap (see ``isolation.py``), with a control socket on a file descriptor.
It never runs student code and never reads a job: for each pair it receives
three descriptors over the socket (the protocol pipe, the memory file for case
output, the memory file holding the job) and forks:

    zygote ── C: closes everything else, enters the pair's new namespaces
                 (``namespaces.py``), forks G and reports G's end as its own
              └─ G: PID 1 of the pair; its own /proc; no capabilities; the
                    seccomp filter; reads the job; runs the worker

C tells the zygote G's pid before G runs anything. To stop a pair the zygote
kills G itself (PID 1 of the pair's namespace: its death ends every process
of the namespace, and a student cannot refuse a SIGKILL from an ancestor
namespace) and C, then waits until G is gone. ``PR_SET_PDEATHSIG`` on G is
only a second lock (a student could clear it; seccomp forbids that too).
Because the job reaches only G, the zygote's memory, which every later pair
inherits, never holds another student's submission.

Control messages are JSON datagrams. Requests: ``{"op": "run", "pair": N}``
with the three descriptors, ``{"op": "kill", "pair": N}``. Events: ``ready``
(with the layers that work here), ``started``, ``exited`` (``code`` or
``signal``).
"""

from __future__ import annotations

import fcntl
import json
import os
import selectors
import signal
import socket
import sys
import time
from typing import Any, NoReturn

from .. import worker
from . import namespaces, seccomp

MAX_CONTROL_BYTES = 64 * 1024
FAILED_SETUP_EXIT = 71
"""Exit status of a pair whose isolation could not be set up (it never ran student code)."""


def main(argv: list[str] | None = None) -> None:
    config = json.loads((argv or sys.argv[1:])[0])
    control = socket.socket(fileno=config["control_fd"])
    os.set_inheritable(control.fileno(), False)
    _quiet_std_streams()
    try:
        worker.warm(config["preload"])
    except BaseException as e:  # noqa: BLE001 - a preload that does not import: say which, then stop
        _send(control, {"event": "failed", "error": f"preloading {config['preload']}: {type(e).__name__}: {e}"})
        os._exit(1)
    network_gone = _leave_network()
    layers = {
        "pair-namespaces": bool(config["namespaces"]) and network_gone and _namespaces_work(config),
        "seccomp": bool(config["seccomp"]) and seccomp.available(),
    }
    config["namespaces"] = layers["pair-namespaces"]
    _send(control, {"event": "ready", "layers": layers, "exposed": _exposed(config["hidden"])})
    _serve(control, config)


def _serve(control: socket.socket, config: dict[str, Any]) -> NoReturn:
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, None)
    pairs: dict[int, _Pair] = {}
    while True:
        for key, _ in selector.select():
            if key.data is None:
                _handle_request(control, selector, pairs, config)
            else:
                pair, pidfd = key.data
                selector.unregister(pidfd)
                os.close(pidfd)
                running = pairs.pop(pair)
                _, status = os.waitpid(running.c, 0)
                gone = running.finish()
                end = {"code": os.WEXITSTATUS(status)} if os.WIFEXITED(status) else {"signal": os.WTERMSIG(status)}
                _send(control, {"event": "exited", "pair": pair, "gone": gone, **end})


class _Pair:
    """The two processes of a running pair, as the zygote sees them."""

    def __init__(self, c: int, g: int | None) -> None:
        self.c = c
        self.g = g

    def kill(self) -> None:
        if self.g is not None:
            _kill(self.g)  # the pair's PID 1: its namespace, and every process in it, ends with it
        _kill(self.c)

    def finish(self) -> bool:
        """Make sure G is gone (whatever it did to its own death signal); whether it is."""
        if self.g is None:
            return True
        _kill(self.g)
        for _ in range(500):  # reaped by the sandbox's init once it is dead: at most a few ms
            try:
                os.kill(self.g, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.01)
        return False


def _handle_request(control: socket.socket, selector: selectors.BaseSelector, pairs: dict[int, int],
                    config: dict[str, Any]) -> None:
    try:
        data, fds, _, _ = socket.recv_fds(control, MAX_CONTROL_BYTES, 3)
    except OSError:
        data, fds = b"", []
    if not data:  # the grader is gone: so is everything we started
        for running in pairs.values():
            running.kill()
        os._exit(0)
    request = json.loads(data)
    if request["op"] == "run":
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            _send(control, {"event": "exited", "pair": request["pair"], "code": FAILED_SETUP_EXIT})
            return
        report, told = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(report)
            _pair_process(control, fds, told, config)
        os.close(told)
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        pairs[request["pair"]] = _Pair(pid, _read_pid(report))
        selector.register(pidfd, selectors.EVENT_READ, (request["pair"], pidfd))
        _send(control, {"event": "started", "pair": request["pair"]})
    elif request["op"] == "kill" and request["pair"] in pairs:
        pairs[request["pair"]].kill()


def _pair_process(control: socket.socket, fds: list[int], told: int, config: dict[str, Any]) -> NoReturn:
    """C: isolate, fork G, tell the zygote G's pid, exit as G did. Runs no student code."""
    try:
        channel, output, job, told = _keep_only([*fds, told], control)
        if config["namespaces"]:
            namespaces.enter_pair_namespaces(config["tmpfs"])
        lifeline, keep = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(keep)
            os.close(told)
            _pair_init(lifeline, channel, output, job, config)
        os.close(lifeline)
        os.write(told, pid.to_bytes(4, "little"))
        os.close(told)
        _, status = os.waitpid(pid, 0)
    except BaseException:  # noqa: BLE001 - isolation failed: the pair must not run
        os._exit(FAILED_SETUP_EXIT)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else FAILED_SETUP_EXIT)


def _pair_init(lifeline: int, channel: int, output: int, job_fd: int, config: dict[str, Any]) -> NoReturn:
    """G: PID 1 of the pair: finish isolating, read the job, become the worker."""
    try:
        namespaces.die_with_parent(lifeline)
        if config["namespaces"]:
            namespaces.become_pair_init()
        _raise_oom_score()
        job = json.loads(_read_all(job_fd))
        os.close(job_fd)
        os.chdir(config["work"])
        namespaces.drop_privileges()
        if config["seccomp"] and not seccomp.install():
            raise OSError("seccomp filter refused")
    except BaseException:  # noqa: BLE001
        os._exit(FAILED_SETUP_EXIT)
    worker.run_job(job, channel, output)


def _keep_only(fds: list[int], control: socket.socket) -> tuple[int, ...]:
    """Close every descriptor but stdio and ``fds``, renumbered 3, 4, 5, ... in order."""
    control.detach()
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 16) for fd in fds]  # out of the way of 3, 4, 5, ...
    for fd in _open_fds():
        if fd > 2 and fd not in moved:
            _close(fd)
    targets = tuple(range(3, 3 + len(fds)))
    for target, fd in zip(targets, moved, strict=True):
        os.dup2(fd, target, inheritable=False)
        os.close(fd)
    return targets


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 1024))


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _read_pid(fd: int) -> int | None:
    """G's pid, as C reports it once G exists (None if C failed before)."""
    try:
        data = b""
        while len(data) < 4:
            chunk = os.read(fd, 4 - len(data))
            if not chunk:
                return None
            data += chunk
        return int.from_bytes(data, "little")
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _raise_oom_score() -> None:
    """Under memory pressure the kernel kills a pair's process before the zygote or the grader."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass


def _quiet_std_streams() -> None:
    """Nothing of ours is printed: 0, 1 and 2 point at /dev/null (pairs inherit them)."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _namespaces_work(config: dict[str, Any]) -> bool:
    """Whether this kernel lets us give a pair its own namespaces (tried once, in a throwaway child)."""
    pid = os.fork()
    if pid == 0:
        try:
            namespaces.enter_pair_namespaces(config["tmpfs"])
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _exposed(hidden: list[str]) -> list[str]:
    """Hidden folders this process can still list something in: the sandbox would leak them."""
    exposed = []
    for path in hidden:
        try:
            if os.listdir(path):
                exposed.append(path)
        except OSError:
            pass  # absent or unreadable: hidden indeed
    return exposed


def _leave_network() -> bool:
    try:
        namespaces.leave_network()
        return True
    except OSError:
        return False


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _send(control: socket.socket, event: dict[str, Any]) -> None:
    try:
        control.send(json.dumps(event).encode())
    except OSError:
        os._exit(0)  # the grader is gone


if __name__ == "__main__":
    main()
