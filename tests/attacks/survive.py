# Attack: outlive the pair. Clear the death signal that ends the pair's first process with its parent, keep
# the process alive after "done" by replacing os._exit, and leave a bounded busy child behind.
import ctypes
import os
import time

def attack():
    libc = ctypes.CDLL(None, use_errno=True)
    cleared = libc.prctl(1, 0, 0, 0, 0) == 0  # PR_SET_PDEATHSIG = 0
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", TARGETS["sleep"]])
    real_exit = os._exit
    def linger(code=0):
        time.sleep(20)  # bounded: the attack never lives long by itself
        real_exit(code)
    os._exit = linger
    return {"cleared": cleared}
