"""Inside the sandbox: a seccomp filter for the pair's processes, written as classic BPF by hand.

The namespaces already keep a pair away from the network, the host's files
and other pairs; this filter removes the system calls a submission never needs
and that would widen its reach: tracing or reading other processes
(``ptrace``, ``process_vm_*``), changing mounts or namespaces (``mount``,
``unshare``, ``setns``, ``clone`` with namespace flags), kernel interfaces
with a history of exploits (``bpf``, ``userfaultfd``, ``io_uring``,
``perf_event_open``, ``keyctl``), and ``sched_setaffinity`` (a pair stays on
the CPU its slot was given). Threads, ``fork`` and ``subprocess`` still work:
a ``DataLoader`` with workers is legitimate.

Only x86_64 is described here; elsewhere :func:`install` returns False and
every report says seccomp was not in force.
"""

from __future__ import annotations

import ctypes
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
_X32_SYSCALL_BIT = 0x40000000

# x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl)
_DENIED = {
    "ptrace": 101, "syslog": 103, "chroot": 161, "acct": 163, "mount": 165, "umount2": 166, "swapon": 167,
    "swapoff": 168, "reboot": 169, "sethostname": 170, "setdomainname": 171, "pivot_root": 155,
    "init_module": 175, "delete_module": 176, "quotactl": 179, "sched_setaffinity": 203, "kexec_load": 246,
    "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272, "perf_event_open": 298,
    "fanotify_init": 300, "name_to_handle_at": 303, "open_by_handle_at": 304, "setns": 308,
    "process_vm_readv": 310, "process_vm_writev": 311, "finit_module": 313, "kexec_file_load": 320,
    "bpf": 321, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442,
}
_CLONE = 56
_CLONE3 = 435
_NAMESPACE_FLAGS = 0x7E020000  # CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET

_EPERM, _ENOSYS = 1, 38
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_RET_KILL_PROCESS = 0x80000000

# BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2


def _stmt(code: int, k: int) -> tuple[int, int, int, int]:
    return (code, 0, 0, k)


def _jump(code: int, k: int, true: int, false: int) -> tuple[int, int, int, int]:
    return (code, true, false, k)


def program() -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions."""
    deny = sorted(_DENIED.values())
    prog = [
        _stmt(_LD_W_ABS, 4),  # seccomp_data.arch
        _jump(_JEQ_K, AUDIT_ARCH_X86_64, 1, 0),
        _stmt(_RET_K, _RET_KILL_PROCESS),
        _stmt(_LD_W_ABS, 0),  # seccomp_data.nr
        _jump(_JGE_K, _X32_SYSCALL_BIT, 0, 1),
        _stmt(_RET_K, _RET_ERRNO | _EPERM),
    ]
    for number in deny:
        prog.append(_jump(_JEQ_K, number, 0, 1))
        prog.append(_stmt(_RET_K, _RET_ERRNO | _EPERM))
    prog += [
        _jump(_JEQ_K, _CLONE3, 0, 1),
        _stmt(_RET_K, _RET_ERRNO | _ENOSYS),  # glibc then falls back to clone, whose flags we can read
        _jump(_JEQ_K, _CLONE, 0, 3),
        _stmt(_LD_W_ABS, 16),  # low 32 bits of args[0]: the clone flags
        _jump(_JSET_K, _NAMESPACE_FLAGS, 0, 1),
        _stmt(_RET_K, _RET_ERRNO | _EPERM),
        _stmt(_RET_K, _RET_ALLOW),
    ]
    return prog


def available() -> bool:
    return platform.system() == "Linux" and platform.machine() == "x86_64"


def install() -> bool:
    """Install the filter on this process (inherited by everything it starts); False if not possible here."""
    if not available():
        return False
    prog = program()
    raw = b"".join(struct.pack("HBBI", *instruction) for instruction in prog)
    buffer = ctypes.create_string_buffer(raw, len(raw))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(prog), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) == 0
