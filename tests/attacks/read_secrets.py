# Attack: read what the grader hides, by path and by walking the whole file system.
import os
import time

def attack():
    opened, found = [], []
    for name, path in TARGETS["paths"].items():
        try:
            with open(path, "rb") as f:
                f.read(100)
            opened.append(name)
        except OSError:
            pass
        try:
            os.listdir(path)
            opened.append(name + " (listed)")
        except OSError:
            pass
    seen, stop = 0, time.monotonic() + 8  # bounded: the attack never walks for long
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/dev")]
        if root.startswith(os.getcwd()):
            continue  # its own submission holds the marker, in TARGETS
        for name in files:
            seen += 1
            if seen > 60000 or time.monotonic() > stop:
                return {"opened": opened, "found": found, "seen": seen}
            path = os.path.join(root, name)
            try:
                if os.path.getsize(path) > 2_000_000:
                    continue
                with open(path, "rb") as f:
                    if TARGETS["marker"].encode() in f.read():
                        found.append(path)
            except OSError:
                pass
    return {"opened": opened, "found": found, "seen": seen}
