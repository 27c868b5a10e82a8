"""One submission's run across worker processes: a state machine fed events, no processes of its own.

The pool starts workers and tells the supervisor what happens (a worker
started, a message arrived, time passed, the worker ended); the supervisor
decides what it means for the record and what the pool must do next:

- every case has its own deadline; a case that runs past it is recorded as a
  timeout, its worker is killed, and a fresh worker goes on with the cases not
  yet decided, whatever their order;
- a case that kills its worker is recorded as a crash (or a CPU-limit hit);
- the submission as a whole has a time budget: when it runs out, the case
  running then is told so (not that it ran past its own limit) and the cases
  never started are reported as not run, once, for the pair;
- a worker that breaks the protocol gets no second chance.

Like pytest-xdist's controller, a worker that dies becomes a failed
observation for the case it was running, never a lost one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .. import wire
from ..record import Exit, RunRecord

IDLE_SECONDS = 30.0
"""How long a worker may stay silent outside any case (between cases) before it counts as hung."""
START_SECONDS = 20.0
"""How long a fresh worker may take to say hello (a fork and a few mounts: milliseconds when all is well)."""
MAX_FRUITLESS_WORKERS = 2
"""Workers in a row that decide no case before the supervisor gives up."""

Action = Literal["wait", "kill", "start", "finish"]


@dataclass(frozen=True, slots=True)
class Plan:
    """The cases of one run, in order, with their own deadlines (seconds); the import first."""

    keys: tuple[str, ...]
    timeouts: dict[str, float]
    budget: float
    """Wall seconds for the whole submission, every worker included."""


@dataclass(frozen=True, slots=True)
class WorkerEnd:
    """How a worker process ended, as the zygote saw it."""

    code: int | None
    """Exit status, or None when it was killed by a signal or its end is unknown."""
    signal: int | None = None
    gone: bool = True
    """Every process of the pair is known to be gone (False: the slot's warm processes must be replaced)."""


class Supervisor:
    """Decides, event by event, what one submission's workers did. See the module docstring."""

    def __init__(self, plan: Plan, now: float) -> None:
        self.plan = plan
        self.deadline = now + plan.budget
        self.observations: dict[str, Any] = {}
        self.outputs: dict[str, str] = {}
        self.case_seconds: dict[str, float] = {}
        self.incidents: list[str] = []
        self.exit: Exit = "ok"
        self.workers = 0
        self.action: Action = "start"
        self._current: str | None = None
        self._case_deadline = 0.0
        self._idle_deadline = 0.0
        self._decided_by_worker = 0
        self._fruitless = 0
        self._done = False
        self._stop = False  # no further worker, whatever remains
        self._read_output: Callable[[], str] = str

    # ---- what the pool asks ------------------------------------------------------------------

    def undecided(self) -> list[str]:
        return [k for k in self.plan.keys if k not in self.observations]

    def skip(self) -> list[str]:
        """Case keys the next worker must not run again (already decided)."""
        return sorted(self.observations)

    def next_deadline(self) -> float:
        """When :meth:`tick` must be called at the latest."""
        if self._current is not None:
            return min(self._case_deadline, self.deadline)
        return min(self._idle_deadline, self.deadline)

    def record(self, isolation: str, seconds: float) -> RunRecord:
        return RunRecord(self.plan.keys, dict(self.observations), self.exit, tuple(self.incidents), isolation,
                         dict(self.outputs), seconds, self.workers, dict(self.case_seconds))

    # ---- events ------------------------------------------------------------------------------

    def worker_started(self, now: float, read_output: Callable[[], str]) -> None:
        """A worker was started; ``read_output`` returns what its current case has printed so far."""
        self.workers += 1
        self.action = "wait"
        self.exit = "ok"
        self._current, self._done, self._started = None, False, False
        self._decided_by_worker = 0
        self._idle_deadline = now + START_SECONDS
        self._read_output = read_output

    def message(self, message: dict[str, Any], now: float) -> None:
        """A message of the running worker (already parsed and nonce-checked by ``wire``)."""
        if self.action != "wait":
            return  # a worker being killed may still have written; it no longer counts
        try:
            self._message(message, now)
        except wire.ProtocolError as e:
            self.protocol_error(e)

    def protocol_error(self, error: wire.ProtocolError) -> None:
        """The worker sent something the protocol does not allow: no second chance."""
        if self.action != "wait":
            return
        self.incidents.append(f"the worker broke the protocol ({error}); its remaining observations are missing")
        self.exit, self._stop, self.action = "protocol", True, "kill"

    def tick(self, now: float) -> None:
        """Time passed: enforce the case's deadline, the idle deadline and the submission's budget."""
        if self.action != "wait":
            return
        if now >= self.deadline:
            self._budget_ran_out()
        elif self._current is not None and now >= self._case_deadline:
            key = self._current
            seconds = self.plan.timeouts[key]
            self._decide(key, wire.ProbeError(
                "timeout", "", f"Your code did not finish within {seconds:g} s (it may loop forever)."))
            self.case_seconds[key] = seconds
            self.incidents.append(f"{_label(key)} timed out after {seconds:g} s; its worker was stopped")
            self.exit, self.action = "timeout", "kill"
        elif self._current is None and now >= self._idle_deadline:
            if self._started:
                self.incidents.append(f"the worker stopped responding outside any probe case (no message for "
                                      f"{IDLE_SECONDS:g} s); it was stopped")
            else:
                self.incidents.append(f"a worker did not start within {START_SECONDS:g} s; another was tried")
            self.exit, self.action = "timeout", "kill"

    def worker_ended(self, end: WorkerEnd, now: float) -> None:
        """The worker process is gone (it exited, crashed, or the pool killed it as asked)."""
        if self.action == "wait" and not self._done:
            self._crashed(end)
        if self._decided_by_worker == 0 and not self._done:
            self._fruitless += 1
        else:
            self._fruitless = 0
        self._current = None
        self._block_cases_if_import_failed()
        remaining = self.undecided()
        if not remaining or self._stop:
            self.action = "finish"
        elif now >= self.deadline:
            self._budget_ran_out(worker_alive=False)
            self.action = "finish"
        elif self._fruitless >= MAX_FRUITLESS_WORKERS:
            self.incidents.append(f"gave up after {self._fruitless} workers in a row ended without deciding any "
                                  f"case; {len(remaining)} probe case(s) never ran")
            self.action = "finish"
        else:
            self.action = "start"

    # ---- internals ---------------------------------------------------------------------------

    def _message(self, message: dict[str, Any], now: float) -> None:
        kind = message["type"]
        if kind == "hello":
            if self._started:
                raise wire.ProtocolError("a second hello")
            self._started = True
            self._idle_deadline = now + IDLE_SECONDS
        elif kind == "start":
            key = message["key"]
            if key not in self.plan.timeouts or key in self.observations or self._current is not None:
                raise wire.ProtocolError("start of a case that is not due")
            self._current = key
            self._case_deadline = now + self.plan.timeouts[key]
        elif kind == "observation":
            key = message["key"]
            if key != self._current:
                raise wire.ProtocolError("observation for a case that is not running")
            self._decide(key, message.get("error", message.get("value")), message.get("output", ""))
            self.case_seconds[key] = float(message["seconds"])
            self._idle_deadline = now + IDLE_SECONDS
        elif kind == "done":
            if self.undecided():
                raise wire.ProtocolError("done before every case was sent")
            self._done, self.action = True, "kill"  # the pool still kills it: nothing may outlive the pair
        else:
            raise wire.ProtocolError(f"unexpected message {kind!r}")

    def _decide(self, key: str, observation: Any, output: str | None = None) -> None:
        self.observations[key] = observation
        self.outputs[key] = output if output is not None else wire.clean_text(self._read_output())
        self._decided_by_worker += 1
        self._current = None

    def _crashed(self, end: WorkerEnd) -> None:
        if end.code == wire.CPU_LIMIT_EXIT or end.signal == 24:  # SIGXCPU
            reason, self.exit = "the CPU time limit was exceeded", "cpu"
            error = wire.ProbeError("cpu-limit", "", "Your code used more CPU time than allowed (it may loop forever).")
        else:
            reason, self.exit = f"the worker ended unexpectedly ({_describe(end)})", "crash"
            error = wire.ProbeError("crashed", "", f"Your code ended or crashed the process ({_describe(end)}) "
                                    "instead of returning; it may have called exit() or run out of memory.")
        self.incidents.append(f"{_label(self._current)}: {reason}")
        if self._current is not None:
            self._decide(self._current, error)

    def _budget_ran_out(self, worker_alive: bool = True) -> None:
        remaining = self.undecided()
        if self._current is not None:
            self._decide(self._current, wire.ProbeError(
                "budget", "", f"Your code was still running when the time budget of the whole submission "
                f"({self.plan.budget:g} s) ran out."))
            remaining = self.undecided()
        if not any("time budget" in line for line in self.incidents):
            self.incidents.append(f"the submission's time budget of {self.plan.budget:g} s ran out; "
                                  f"{len(remaining)} probe case(s) never ran")
        self._stop = True
        self.exit = "budget"
        if worker_alive:
            self.action = "kill"

    def _block_cases_if_import_failed(self) -> None:
        """A failed import decides every case: none can run (the worker says so itself when it lives)."""
        imported = self.observations.get(wire.IMPORT_KEY)
        if not isinstance(imported, wire.ProbeError):
            return
        blocked = wire.ProbeError("import-blocked", "", "Your file could not be imported (see Problems above).")
        for key in self.undecided():
            self.observations[key] = blocked
            self.outputs[key] = ""


def _label(key: str | None) -> str:
    """Where something happened, naming the probe but never its (hidden) arguments."""
    if key is None:
        return "outside any probe"
    if key == wire.IMPORT_KEY:
        return "while importing the submission"
    return f"probe {key.split('{', 1)[0]!r}"


def _describe(end: WorkerEnd) -> str:
    if end.signal is not None:
        import signal

        try:
            return f"killed by {signal.Signals(end.signal).name}"
        except ValueError:
            return f"killed by signal {end.signal}"
    if end.code is None:
        return "its end is unknown"
    return f"exit status {end.code}"
