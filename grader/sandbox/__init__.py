"""Running untrusted submissions: warm, sandboxed worker processes and the supervisor that watches them.

Trusted side: ``pool.py`` (slots and zygotes), ``supervisor.py`` (what a
run's events mean), ``isolation.py`` (what this machine offers, how a worker
is started, when to refuse). Inside the sandbox: ``zygote.py`` (the warm
fork server), ``namespaces.py`` and ``seccomp.py`` (a pair's isolation), and
``grader/worker.py`` (the pair's own work).
"""

from .pool import Pool, plan_for

__all__ = ["Pool", "plan_for"]
