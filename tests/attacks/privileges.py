# Attack: gain privileges or reach other processes through system calls.
import ctypes
import os

def attack():
    libc = ctypes.CDLL(None, use_errno=True)
    allowed = []
    if libc.unshare(0x10000000) == 0:  # CLONE_NEWUSER
        allowed.append("unshare")
    if libc.ptrace(16, 1, 0, 0) == 0:  # PTRACE_ATTACH to pid 1
        allowed.append("ptrace")
    if libc.mount(b"none", b"/", None, 32 | 4096, None) == 0:  # MS_REMOUNT | MS_BIND, read-write
        allowed.append("remount")
    try:
        os.setuid(0)
        allowed.append("setuid")
    except OSError:
        pass
    try:
        with open("/proc/sys/kernel/hostname", "w") as f:
            f.write("pwned")
        allowed.append("sysctl")
    except OSError:
        pass
    import fcntl
    import socket
    import struct
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", 0x1))  # SIOCSIFFLAGS: bring loopback up
            allowed.append("loopback-up")
    except OSError:
        pass
    return {"allowed": allowed, "uid": os.getuid()}
