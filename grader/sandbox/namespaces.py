"""Inside the sandbox: give one pair its own namespaces, file systems and no privileges (Linux, via ctypes).

The zygote first moves itself into a network namespace of its own, whose only
interface (loopback) is down and stays down: nothing it starts holds the
capability to raise it (:func:`leave_network`). Creating a network namespace
per pair would cost milliseconds and contend on the kernel's namespace
cleanup; pairs of one slot run one after another and their sockets die with
them, and other slots have other zygotes.

Then, in the zygote's children, before any student code, every pair gets new
user, mount, PID, IPC and UTS namespaces, nested in the zygote's
(unprivileged user namespaces need no privilege), so that:

- ``/tmp``, ``/dev/shm``, ``$HOME`` and the work folder are fresh tmpfs
  mounts that vanish with the pair, and every other mount is read-only;
- the pair sees only its own processes, and when its first process (PID 1 of
  the namespace) dies, the kernel kills every process it left behind,
  double-forked daemons included;
- it has no network at all, not even loopback, and no SysV IPC shared with
  anyone;
- it keeps no capability, and ``no_new_privs`` is set.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
PAIR_NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_LAST_CAP = 63

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.sethostname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


class SandboxSetupError(OSError):
    """A step of the pair's isolation failed: the pair must not run."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxSetupError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), f"mount {target}")


def leave_network() -> None:
    """Move this process into a new user and network namespace: no interface up, not even loopback."""
    _new_user_namespace(CLONE_NEWUSER | CLONE_NEWNET)


def _new_user_namespace(flags: int) -> None:
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(flags), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)


def enter_pair_namespaces(tmpfs: Iterable[tuple[str, int]]) -> None:
    """Unshare every namespace and mount a fresh tmpfs of the given size (bytes) on each path.

    Call in a process that will then fork the pair's first process (the new
    PID namespace applies to children). The caller's uid keeps its number in
    the new user namespace.
    """
    _new_user_namespace(PAIR_NAMESPACES)
    _mount("none", "/", None, MS_REC | MS_PRIVATE)  # nothing we mount propagates back to the zygote
    for path, size in tmpfs:
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=0755")


def readonly_everywhere_else(writable: Iterable[str]) -> None:
    """Remount every mount read-only except ``writable`` and pseudo file systems (used without bubblewrap)."""
    keep = set(writable)
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    for point in points:
        if point in keep or point.startswith(("/proc", "/dev", "/sys")) or point in ("/proc", "/dev"):
            continue
        flags = _mount_flags(point)
        _libc.mount(b"none", point.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, None)


def _mount_flags(point: str) -> int:
    """The locked flags a remount inside a user namespace must keep (nosuid, nodev, noexec)."""
    try:
        st = os.statvfs(point)
    except OSError:
        return 0
    flags = 0
    for bit, name in ((MS_NOSUID, "ST_NOSUID"), (MS_NODEV, "ST_NODEV"), (MS_NOEXEC, "ST_NOEXEC")):
        if st.f_flag & getattr(os, name, 0):
            flags |= bit
    return flags


def become_pair_init() -> None:
    """In the pair's first process (PID 1 of its namespace): its own /proc and hostname."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    name = b"sandbox"
    _check(_libc.sethostname(name, len(name)), "sethostname")


def die_with_parent(lifeline: int) -> None:
    """SIGKILL this process when its parent dies (the zygote kills a pair by killing that parent).

    ``lifeline`` is the read end of a pipe whose write end only the parent
    holds: if it already reads as closed, the parent died before the request
    took effect (``getppid`` cannot tell across a PID namespace).
    """
    _check(_libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl(PDEATHSIG)")
    import select

    readable, _, _ = select.select([lifeline], [], [], 0)
    if readable:
        os._exit(70)
    os.close(lifeline)


def drop_privileges() -> None:
    """No capability left in any set, none to regain (``no_new_privs``)."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    for cap in range(_LAST_CAP + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails harmlessly for caps the kernel does not know

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(_LINUX_CAPABILITY_VERSION_3, 0), (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
