# Attack: processes that outlive the pair (a bounded fork bomb, a double-forked daemon), and signals.
import os
import signal

def attack():
    started = 0
    for _ in range(40):  # bounded: never more than 40 children
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            os.execv("/bin/sleep", ["sleep", TARGETS["sleep"]])
        started += 1
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv("/bin/sleep", ["sleep", TARGETS["sleep"]])
        os._exit(0)
    os.waitpid(pid, 0)
    killed = 0
    try:
        os.kill(-1, signal.SIGKILL)  # everything this process can see; only its own pair, or so it should be
    except OSError:
        pass
    return {"started": started}
