"""Which isolation this machine offers, how a warm worker process is started inside it, and when to refuse.

Detected at run time, once per process:

- **bubblewrap** (Debian ``bubblewrap``): the worker sees a file system of
  its own: read-only ``/usr``, the interpreter and its environment, the
  grader's worker code, and nothing else: no course (hidden checks, solutions,
  mutants), no other student's file, no store, no cache, no home folder.
- **a uid per slot** (when the grader runs as root): each slot's workers run
  as their own unprivileged user, so that a worker cannot write anything the
  grader owns even if it escaped its mount namespace, and concurrent pairs
  cannot signal or trace each other.
- **namespaces per pair** (``namespaces.py``, checked by the zygote itself):
  fresh ``/tmp``, ``/dev/shm``, home and work folders, no network at all, its
  own PID namespace (nothing outlives the pair), its own IPC.
- **seccomp** (``seccomp.py``), **rlimits** (``worker.py``), a clean
  environment, and one CPU per slot.

The grader refuses to grade without at least the file-system view, the pair
namespaces and rlimits, unless told ``--unsafe`` (a trusted author's quick
loop): then it runs whatever is available and every report says what was
missing.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import SandboxError
from .cgroups import SlotCgroups

Layer = Literal["bwrap-view", "slot-uid", "pair-namespaces", "seccomp", "rlimits", "cgroups", "clean-env",
                "cpu-pinning"]
REQUIRED: tuple[Layer, ...] = ("bwrap-view", "pair-namespaces", "rlimits")
"""Without these the grader refuses to grade (unless ``--unsafe``)."""

_DESCRIPTIONS: dict[str, str] = {
    "bwrap-view": "read-only file system view without the course, other submissions or the grader's data "
                  "(bubblewrap)",
    "slot-uid": "an unprivileged uid per slot",
    "pair-namespaces": "fresh /tmp, home and IPC, own PID namespace and no network for every submission",
    "seccomp": "seccomp filter",
    "rlimits": "rlimits (cpu, memory, file size, processes, files)",
    "cgroups": "memory and process ceilings per slot (cgroups)",
    "clean-env": "clean environment",
    "cpu-pinning": "one CPU per slot",
}
SANDBOX_HOME = "/home/student"
SANDBOX_WORK = "/w"
SLOT_UID_BASE = 61000
TMPFS_SIZES = {"/tmp": 256 << 20, "/dev/shm": 64 << 20, SANDBOX_HOME: 64 << 20, SANDBOX_WORK: 160 << 20}


@dataclass(frozen=True, slots=True)
class Host:
    """What this machine offers (detected once)."""

    bwrap: str | None
    """Path of a bubblewrap that works here, or None."""
    slot_uids: bool
    """The grader is root and an unprivileged uid can run its interpreter."""


@dataclass(frozen=True, slots=True)
class Isolation:
    """The layers in force for a run, and the one line every report shows."""

    layers: frozenset[str]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(layer for layer in REQUIRED if layer not in self.layers)

    def summary(self) -> str:
        parts = [_DESCRIPTIONS[name] for name in _DESCRIPTIONS if name in self.layers]
        # One CPU per slot only matters with several slots: its absence is no gap in isolation.
        absent = [_DESCRIPTIONS[name] for name in _DESCRIPTIONS if name not in self.layers and name != "cpu-pinning"]
        text = "; ".join(parts) or "none"
        if absent:
            text += ". NOT in force: " + "; ".join(absent)
        return text


@functools.lru_cache(maxsize=1)
def detect() -> Host:
    """Try each mechanism once with a trivial command; never raise."""
    root = os.geteuid() == 0
    slot_uids = root and _runs_as(SLOT_UID_BASE, [sys.executable, "-I", "-c", "pass"])
    bwrap = shutil.which("bwrap")
    if bwrap is not None:
        probe = [bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc",
                 "--dev", "/dev", sys.executable, "-I", "-c", "pass"]
        works = _runs_as(SLOT_UID_BASE, probe) if slot_uids else _succeeds(probe)
        bwrap = bwrap if works else None
    return Host(bwrap=bwrap, slot_uids=slot_uids)


def slot_uid(slot: int) -> int:
    """The unprivileged uid of a slot: a number no account of this machine uses, and one that another grader
    running on the same machine at the same time most likely does not use either (per-uid limits are shared)."""
    uid = SLOT_UID_BASE + 64 * (os.getpid() % 512) + slot % 64
    while _uid_taken(uid):
        uid += 64 * 512
    return uid


def refuse_unless_safe(isolation: Isolation, unsafe: bool) -> None:
    """Raise :class:`SandboxError` when a required layer is missing and ``unsafe`` was not given."""
    if isolation.missing and not unsafe:
        names = ", ".join(_DESCRIPTIONS[m] for m in isolation.missing)
        hint = ""
        if "bwrap-view" in isolation.missing:
            hint = " Install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces."
        raise SandboxError(f"refusing to run student code without: {names}.{hint} "
                           "A trusted author may pass --unsafe to run anyway.")


def zygote_command(host: Host, slot: int, preload: Sequence[str], control_fd: int, hidden: Iterable[Path],
                   scratch: Path | None, cpu: int | None, cgroups: SlotCgroups | None = None
                   ) -> tuple[list[str], dict[str, str], dict[str, object]]:
    """argv, environment and config of one warm worker process (``zygote.py``) for ``slot``.

    ``hidden`` are paths that must not be visible even where they lie inside
    a bound folder (the course bundled in an installed grader, say).
    ``scratch`` is a folder of the grader's for the pair mounts when
    bubblewrap is missing.
    """
    _refuse_an_environment_under_fresh_folders()
    tmpfs = dict(TMPFS_SIZES)
    home, work = SANDBOX_HOME, SANDBOX_WORK
    if host.bwrap is None:
        assert scratch is not None
        home, work = str(scratch / "home"), str(scratch / "work")
        tmpfs = {"/tmp": TMPFS_SIZES["/tmp"], "/dev/shm": TMPFS_SIZES["/dev/shm"],
                 home: TMPFS_SIZES[SANDBOX_HOME], work: TMPFS_SIZES[SANDBOX_WORK]}
    env = worker_environment(home)
    config = {
        "control_fd": control_fd,
        "hidden": sorted({str(p.resolve()) for p in hidden if p.exists()}),
        "preload": list(preload),
        "namespaces": True,
        "seccomp": True,
        "tmpfs": [[path, size] for path, size in tmpfs.items()],
        "work": work,
    }
    # Not -I: it would ignore PYTHONHASHSEED; the environment is ours entirely (--clearenv).
    python = [sys.executable, "-s", "-P", "-B", "-u", "-m", "grader.sandbox.zygote", json.dumps(config)]
    argv = python if host.bwrap is None else [*_bwrap_args(host.bwrap, env, hidden), *python]
    if cpu is not None and shutil.which("taskset"):
        argv = ["taskset", "--cpu-list", str(cpu), *argv]
    if host.slot_uids:
        uid = slot_uid(slot)
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", *argv]
    if cgroups is not None:
        argv = cgroups.wrap(argv)
    return argv, env, config


def layers_for(host: Host, reported: dict[str, bool], cpu: int | None, cgroups: bool = False) -> Isolation:
    """The layers in force, given what the zygote found working inside its sandbox."""
    layers = {"rlimits", "clean-env"}
    if cgroups:
        layers.add("cgroups")
    if host.bwrap is not None:
        layers.add("bwrap-view")
    if host.slot_uids:
        layers.add("slot-uid")
    if cpu is not None:
        layers.add("cpu-pinning")
    layers.update(name for name, ok in reported.items() if ok and name in _DESCRIPTIONS)
    return Isolation(frozenset(layers))


def worker_environment(home: str) -> dict[str, str]:
    """A clean environment: nothing of the grader's leaks in; threads pinned to 1; every hub offline."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp",
        "USER": "student",
        "LOGNAME": "student",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",  # set iteration order must not vary between runs
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUNBUFFERED": "1",  # what a case printed survives a crash or a kill
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
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "MPLBACKEND": "Agg",
        "MALLOC_ARENA_MAX": "2",
    }


def _bwrap_args(bwrap: str, env: dict[str, str], hidden: Iterable[Path]) -> list[str]:
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--uid", "1000", "--gid", "1000", "--hostname", "sandbox", "--cap-drop", "ALL"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += ["--ro-bind", "/usr", "/usr"]
    bound = [Path("/usr")]
    for name in ("/lib", "/lib64", "/lib32", "/bin", "/sbin"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
            bound.append(Path(name))
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for root in _python_roots():
        args += ["--ro-bind", str(root), str(root)]
        bound.append(root)
    for path in covered(hidden, bound):
        args += ["--tmpfs", str(path), "--remount-ro", str(path)]  # an empty, read-only folder in its place
    args += ["--tmpfs", "/tmp", "--dir", SANDBOX_HOME, "--dir", SANDBOX_WORK,
             "--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev", "--remount-ro", "/"]
    return args


def _refuse_an_environment_under_fresh_folders() -> None:
    # Every pair gets an empty /tmp and /dev/shm mounted over the real ones: an interpreter or a grader
    # installed there would vanish from under the worker.
    fresh = [Path(p) for p in TMPFS_SIZES if p.startswith(("/tmp", "/dev/"))]
    for root in _python_roots():
        if any(root == f or f in root.parents for f in fresh):
            raise SandboxError(f"the grader's environment lies in {root}, inside a folder that every sandboxed "
                               "submission gets fresh and empty (/tmp, /dev/shm): install it elsewhere, "
                               "e.g. a clone under your home folder")


def covered(hidden: Iterable[Path], bound: Iterable[Path]) -> list[Path]:
    """The hidden folders that lie inside a bound one (``/usr`` included): each must be covered."""
    roots = [r.resolve() for r in bound]
    paths = sorted({p.resolve() for p in hidden if p.is_dir()})
    return [p for p in paths if any(p == root or root in p.parents for root in roots)]


def _python_roots() -> list[Path]:
    """Folders the worker needs outside /usr: the interpreter's prefixes and the grader package."""
    import grader

    candidates = [Path(sys.base_prefix), Path(sys.prefix), Path(grader.__file__).parent]
    roots: list[Path] = []
    for path in sorted({c.resolve() for c in candidates}, key=lambda p: len(p.parts)):
        if path == Path("/usr") or Path("/usr") in path.parents:
            continue
        if not any(r == path or r in path.parents for r in roots):
            roots.append(path)
    return roots


def bundled_courses() -> list[Path]:
    """Copies of the course inside the environment (an installed wheel, or an editable install's
    ``grader/_course``): hidden checks live there too."""
    found = []
    for entry in sys.path:
        candidate = Path(entry) / "grader" / "_course"
        if candidate.is_dir():
            found.append(candidate)
    return found


def _runs_as(uid: int, argv: list[str]) -> bool:
    if shutil.which("setpriv") is None:
        return False
    return _succeeds(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *argv])


def _succeeds(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=30, cwd="/").returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _uid_taken(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False
