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
_PRCTL = 157
_PR_SET_PDEATHSIG = 1  # a pair must not clear the signal that ends it with its parent
_SOCKET, _SOCKETPAIR = 41, 53
_ALLOWED_FAMILIES = (1, 2, 10, 16)  # AF_UNIX, AF_INET, AF_INET6, AF_NETLINK; never AF_VSOCK (not namespaced)
_EAFNOSUPPORT = 97
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


def program() -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions, assembled from a listing with labels."""
    listing: list[tuple] = [
        ("ld", 4),  # seccomp_data.arch
        ("jeq", AUDIT_ARCH_X86_64, None, "kill"),
        ("ld", 0),  # seccomp_data.nr
        ("jge", _X32_SYSCALL_BIT, "eperm", None),
        *[("jeq", number, "eperm", None) for number in sorted(_DENIED.values())],
        ("jeq", _CLONE3, "enosys", None),  # glibc then falls back to clone, whose flags can be read
        ("jeq", _CLONE, "clone", None),
        ("jeq", _PRCTL, "prctl", None),
        ("jeq", _SOCKET, "socket", None),
        ("jeq", _SOCKETPAIR, "socket", None),
        ("ret", _RET_ALLOW),
        ("label", "clone"), ("ld", 16),  # low 32 bits of args[0]: the clone flags
        ("jset", _NAMESPACE_FLAGS, "eperm", "allow"),
        ("label", "prctl"), ("ld", 16),  # args[0]: the prctl option
        ("jeq", _PR_SET_PDEATHSIG, "eperm", "allow"),
        ("label", "socket"), ("ld", 16),  # args[0]: the address family
        *[("jeq", family, "allow", None) for family in _ALLOWED_FAMILIES],
        ("ret", _RET_ERRNO | _EAFNOSUPPORT),
        ("label", "allow"), ("ret", _RET_ALLOW),
        ("label", "eperm"), ("ret", _RET_ERRNO | _EPERM),
        ("label", "enosys"), ("ret", _RET_ERRNO | _ENOSYS),
        ("label", "kill"), ("ret", _RET_KILL_PROCESS),
    ]
    return _assemble(listing)


def _assemble(listing: list[tuple]) -> list[tuple[int, int, int, int]]:
    """Resolve labels into the relative jump offsets of classic BPF (None: the next instruction)."""
    at: dict[str, int] = {}
    for item in listing:
        if item[0] == "label":
            at[item[1]] = sum(1 for i in listing[:listing.index(item)] if i[0] != "label")
    ops = {"ld": _LD_W_ABS, "ret": _RET_K, "jeq": _JEQ_K, "jge": _JGE_K, "jset": _JSET_K}
    code: list[tuple[int, int, int, int]] = []
    for item in listing:
        if item[0] == "label":
            continue
        if item[0] in ("ld", "ret"):
            code.append((ops[item[0]], 0, 0, item[1]))
            continue
        _, k, true, false = item
        here = len(code) + 1
        jt, jf = (0 if t is None else at[t] - here for t in (true, false))
        assert 0 <= jt < 256 and 0 <= jf < 256, "a seccomp jump out of range"
        code.append((ops[item[0]], jt, jf, k))
    return code


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
