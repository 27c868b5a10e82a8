# Attack: leave something behind for later pairs or for the grader. Every payload is an inert marker.
import ctypes
import os
import socket
import sys

def _try_write(path, text="# " + "ATTACK"):
    try:
        with open(path, "w") as f:
            f.write(text)
        return True
    except OSError:
        return False

def attack():
    if TARGETS["phase"] != "write":
        return {"written": []}
    token = TARGETS["token"]
    written = []
    site = next(p for p in sys.path if p.endswith("site-packages"))
    import grader
    candidates = {
        "site-packages .pth": os.path.join(site, f"zz_attack_{token}.pth"),
        "sitecustomize": os.path.join(site, f"zz_attack_{token}_sitecustomize.py"),
        "grader package": os.path.join(os.path.dirname(grader.__file__), f"zz_attack_{token}.py"),
        "grader __pycache__": os.path.join(os.path.dirname(grader.__file__), "__pycache__", f"zz_attack_{token}.pyc"),
        "interpreter": os.path.join(os.path.dirname(os.__file__), f"zz_attack_{token}.py"),
        "course": os.path.join(TARGETS["paths"]["course"], f"zz_attack_{token}"),
        "cache": os.path.join(TARGETS["paths"]["cache"], f"zz_attack_{token}"),
        "home": os.path.expanduser(f"~/zz_attack_{token}"),
        "tmp": f"/tmp/zz_attack_{token}",
        "dev-shm": f"/dev/shm/zz_attack_{token}",
        "work": f"./zz_attack_{token}",
    }
    for name, path in candidates.items():
        if _try_write(path):
            written.append(name)
    libc = ctypes.CDLL(None, use_errno=True)
    key = 0x5A5A0000 + int(token[:4], 16)
    if libc.shmget(key, 4096, 0o1666) >= 0:  # IPC_CREAT | 0666
        written.append("sysv-shm")
    try:
        s = socket.socket(socket.AF_UNIX)
        s.bind("\0zz_attack_" + token)  # an abstract socket, alive as long as a process holds it
        written.append("abstract-socket")
        globals()["_keep"] = s
    except OSError:
        pass
    return {"written": sorted(written)}

def after():
    """In a later pair: did anything survive?"""
    if TARGETS["phase"] != "check":
        return {"survived": []}
    token = TARGETS["token"]
    survived = []
    for name, path in {"home": os.path.expanduser(f"~/zz_attack_{token}"), "tmp": f"/tmp/zz_attack_{token}",
                       "dev-shm": f"/dev/shm/zz_attack_{token}", "work": f"./zz_attack_{token}"}.items():
        if os.path.exists(path):
            survived.append(name)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.shmget(0x5A5A0000 + int(token[:4], 16), 4096, 0) >= 0:
        survived.append("sysv-shm")
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect("\0zz_attack_" + token)
        survived.append("abstract-socket")
    except OSError:
        pass
    if any(m.startswith("zz_attack") for m in sys.modules):
        survived.append("import hook")
    return {"survived": survived}
