"""The driver: plan the pairs, keep the store, hand pairs to node actors, take a lost node's pairs back.

Everything that decides a grade's identity stays here, on the machine that
runs ``grader grade``: the pairs and their store keys (the very ones the
local executor computes, so a class graded locally resumes on Ray and the
other way round), the SQLite store, and what is yielded. The nodes only grade.

Per run: the course is packed once (``bundle.py``) and put in Ray's object
store once; one actor per node with CPUs (``node.NodeGrader``, owning
``slots`` warm workers) checks itself against the :class:`~.messages.Manifest`
and proves itself with the self-check; the driver then keeps ``slots`` pairs in
flight on each ready actor. Each result is stored the moment it arrives.

What can go wrong, and what happens:

- **an actor dies** (its process killed, its node lost, Ray's memory monitor):
  Ray fails every call in flight on it; those pairs go back to the front of
  the queue and are graded by another actor, and a fresh actor is started on
  that node if Ray still lists it. A pair that lost its node
  :data:`MAX_ATTEMPTS` times is yielded with the reason and not stored, so a
  later run tries it again.
- **a node cannot grade** (another grader, another suite, no sandbox, a failed
  self-check, a sandbox that breaks mid-run): that node is stopped with its
  reason (a :class:`NodeEvent`) and the others go on; when no node is left,
  :class:`DistributedError` says why each was refused.
- **the driver dies**: Ray ends its actors (they belong to its job); every
  result yielded so far is in the store, and the next run grades only the rest.
- **a call never returns** (a node cut off the network): after the exercise's
  wall time plus :data:`GRADE_SLACK_SECONDS` the actor is killed, which is the
  first case.

A pair is yielded once: the first result for it wins, and the store's unique
key keeps it once even if two runs race.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import __version__, engine
from ..batch import Graded, Pair, keep  # the local executor's key and store logic: one definition for both
from ..batch import plan_pair as plan
from ..discovery import ClassEntry
from ..errors import GraderError, SelfCheckError
from ..exercise import Course
from ..results import PairResult
from ..store import Store
from . import bundle, messages
from .node import NodeGrader

INSTALL_HINT = "pip install 'grader[ray]'"
MAX_ATTEMPTS = 3
"""Times a pair may lose its node before it is reported ungraded (a pair that kills nodes must not kill all)."""
MAX_LOSSES_PER_NODE = 3
"""Actors a node may lose before it is left out of the run."""
PREPARE_SECONDS = 1800.0
"""How long a node may take to start its actor, unpack, warm its zygotes and pass the self-check."""
GRADE_SLACK_SECONDS = 240.0
"""What a pair may take beyond its exercise's wall time before its node is presumed cut off: a zygote start
(``sandbox.pool.READY_SECONDS``) and the judge."""
POLL_SECONDS = 10.0
"""How often the driver looks for nodes that joined the cluster (an autoscaler adds them during a run)."""
LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
"""Ray's own switch for "this instance is not a cluster": set to 0, every Ray process of a local instance
listens on 127.0.0.1 only. Read by Ray when it is imported."""
CONNECT_SECONDS = 10.0
"""How long a ``HOST:PORT`` address may take to accept a connection before the run stops."""
CONNECT_ATTEMPTS = 3
"""How many times a Ray client connection is tried (the head may fail to start its server process)."""
LOCAL_OBJECT_STORE_BYTES = 256 << 20
"""A local instance carries a course archive and one submission per slot: no need for Ray's 30 % of RAM."""

log = logging.getLogger(__name__)


class DistributedError(GraderError):
    """The run cannot go on with Ray: it is not installed, the cluster cannot be reached, no node can grade."""


@dataclass(frozen=True, slots=True)
class NodeEvent:
    """Something that happened to a node during a run, for the person running it."""

    kind: Literal["ready", "refused", "lost"]
    node: str
    """Ray's node id (hex)."""
    host: str
    """The node's address, as Ray knows it."""
    message: str
    pid: int | None = None
    """The node actor's process id, once it is known."""

    def __str__(self) -> str:
        return f"ray node {self.host} [{self.node[:8]}]: {self.message}"


def require_ray() -> Any:
    """The ``ray`` module, or a one-line :class:`DistributedError` saying how to install it."""
    try:
        import ray
    except ImportError:
        raise DistributedError(f"--executor ray needs Ray, which is not installed here: {INSTALL_HINT}") from None
    return ray


def grade_many(entries: Sequence[ClassEntry], course: Course, *, address: str | None = None,
               jobs: int | None = None, unsafe: bool = False, store: Store | None = None, force: bool = False,
               on_event: Callable[[NodeEvent], None] | None = None) -> Iterator[Graded]:
    """Grade every entry on a Ray cluster, yielding results as they complete (like ``batch.grade_many``).

    :param address: ``ray://HOST:PORT`` (Ray client), ``HOST:PORT`` (a cluster's GCS, from a machine of the
        cluster), ``auto`` (the cluster this machine belongs to); None starts a local Ray instance on this
        machine with ``jobs`` CPUs. When the caller has already connected Ray, that connection is used.
    :param jobs: worker slots per node (default: every CPU Ray lists for the node).
    :param on_event: told when a node is ready, refused or lost (default: logged).
    """
    if address is None:
        os.environ.setdefault(LOOPBACK_ENV, "0")  # before Ray is imported
    ray = require_ray()
    exercises = {i: course.get(i) for i in sorted({e.exercise_id for e in entries})}
    digests = {i: exercise.digest() for i, exercise in exercises.items()}
    todo: list[Pair] = []
    for entry in entries:
        pair = plan(entry, exercises[entry.exercise_id], digests[entry.exercise_id])
        found = store.get(pair.key) if store is not None and not force else None
        if found is not None:
            yield Graded(entry, found, reused=True)
        elif pair.submission is None:  # nothing to run: its zero result is made here, as locally
            result = engine.unreadable(pair.exercise, entry.path, pair.problem, entry.student)
            yield keep(pair, result, store, force)
        else:
            todo.append(pair)
    if not todo:
        return
    needed = sorted({p.exercise.id for p in todo})
    shipped = bundle.pack(course, needed)
    with _connected(ray, address, jobs):
        # The grader's own digest is taken now, just before the nodes take theirs.
        manifest = messages.Manifest(__version__, messages.code_digest(), shipped.sha256,
                                     {i: digests[i] for i in needed}, unsafe)
        run = _Run(ray, todo, manifest, ray.put(shipped.data), jobs, store, force, on_event or _log)
        yield from run.grade()


@contextmanager
def _connected(ray: Any, address: str | None, jobs: int | None) -> Iterator[None]:
    """Connected to Ray for the run (and disconnected after), unless the caller already was."""
    if ray.is_initialized():
        yield
        return
    try:
        if address is None:
            ray.init(address="local", num_cpus=jobs or len(os.sched_getaffinity(0)), include_dashboard=False,
                     object_store_memory=LOCAL_OBJECT_STORE_BYTES, logging_level=logging.WARNING,
                     log_to_driver=False)
        else:
            _reachable(address)
            _init_with_retries(ray, address)
    except (ConnectionError, ValueError, RuntimeError, TimeoutError) as e:
        ray.shutdown()  # a half-made connection would break the next attempt of this process
        where = "start a local Ray instance" if address is None else f"connect to the Ray cluster at {address}"
        hint = ""
        if address and address.startswith("ray://") and os.environ.get("RAY_AUTH_MODE") != "token":
            hint = (" (if the cluster uses token authentication, set RAY_AUTH_MODE=token and its token, in "
                    "RAY_AUTH_TOKEN or ~/.ray/auth_token, on this machine)")
        raise DistributedError(f"cannot {where}: {e}{hint}") from None
    try:
        yield
    finally:
        ray.shutdown()


def _init_with_retries(ray: Any, address: str) -> None:
    # The Ray client server starts one server process per connection; on a busy head that start sometimes
    # fails ("Initialization failure from server") and a second attempt succeeds.
    for attempt in range(CONNECT_ATTEMPTS):
        try:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
            return
        except ConnectionError:
            ray.shutdown()
            if attempt == CONNECT_ATTEMPTS - 1:
                raise
            time.sleep(2.0 * (attempt + 1))


def _reachable(address: str) -> None:
    """Raise ``ConnectionError`` at once when a ``HOST:PORT`` address does not answer: Ray itself retries a GCS
    address that is wrong for as long as it runs, printing a warning every few seconds."""
    if address.startswith("ray://") or ":" not in address:  # the Ray client gives up by itself; "auto" is local
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except (OSError, ValueError) as e:
        raise ConnectionError(f"nothing answers there ({e})") from None


def _last_line(error: BaseException) -> str:
    """The exception line of a remote traceback (Ray's message carries the whole traceback)."""
    lines = str(error).strip().splitlines()
    return (lines[-1] if lines else type(error).__name__)[:300]


def _log(event: NodeEvent) -> None:
    log.log(logging.INFO if event.kind == "ready" else logging.WARNING, "%s", event)


@dataclass
class _Node:
    """The driver's view of one node's actor."""

    id: str
    host: str
    slots: int
    actor: Any
    started: float
    ready: bool = False
    pid: int | None = None
    in_flight: dict[Any, tuple[int, float]] = field(default_factory=dict)
    """Call reference -> (pair index, when it was sent)."""

    def event(self, kind: Literal["ready", "refused", "lost"], message: str) -> NodeEvent:
        return NodeEvent(kind, self.id, self.host, message, self.pid)


class _Run:
    """One distributed run's state: the queue, the nodes, the calls in flight."""

    def __init__(self, ray: Any, pairs: list[Pair], manifest: messages.Manifest, archive: Any, jobs: int | None,
                 store: Store | None, force: bool, on_event: Callable[[NodeEvent], None]) -> None:
        self.ray, self.pairs, self.manifest, self.archive = ray, pairs, manifest, archive
        self.jobs, self.store, self.force, self.on_event = jobs, store, force, on_event
        self.payloads = [messages.pair_to_plain(p.entry.student, p.exercise.id, p.submission) for p in pairs]
        self.queue: deque[int] = deque(range(len(pairs)))
        self.attempts = [0] * len(pairs)
        self.done: set[int] = set()
        self.nodes: dict[str, _Node] = {}
        self.preparing: dict[Any, str] = {}
        """prepare() call reference -> node id."""
        self.losses: dict[str, int] = {}
        self.refused: dict[str, str] = {}
        """Node id -> why it grades nobody in this run."""
        self.actor_class = ray.remote(NodeGrader)
        self.last_poll = float("-inf")

    def grade(self) -> Iterator[Graded]:
        try:
            self._discover(now=True)
            while len(self.done) < len(self.pairs):
                self._discover()
                self._feed()
                for ref in self._wait():
                    yield from self._settle(ref)
                yield from self._expire()
            self._finish()
        finally:
            for node in self.nodes.values():
                self._kill(node)

    # -- nodes -------------------------------------------------------------------------------

    def _discover(self, now: bool = False) -> None:
        """Start an actor on every live node with CPUs that has none and was not refused."""
        if now or time.monotonic() - self.last_poll >= POLL_SECONDS:
            self.last_poll = time.monotonic()
            for info in self.ray.nodes():
                node_id, cpus = info["NodeID"], int(info.get("Resources", {}).get("CPU", 0))
                if not info.get("Alive") or cpus < 1 or node_id in self.nodes or node_id in self.refused:
                    continue
                self._start(node_id, info.get("NodeManagerAddress", "?"), min(self.jobs or cpus, cpus))
        if not self.nodes:
            why = "; ".join(f"{node[:8]}: {reason}" for node, reason in self.refused.items())
            raise DistributedError("no Ray node can grade" + (f": {why}" if why else
                                                              ": the cluster lists no live node with a CPU"))

    def _start(self, node_id: str, host: str, slots: int) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        actor = self.actor_class.options(
            num_cpus=slots, max_concurrency=slots + 1, max_restarts=0,
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
        ).remote()
        self.nodes[node_id] = _Node(node_id, host, slots, actor, time.monotonic())
        self.preparing[actor.prepare.remote(self.manifest.to_plain(), self.archive, slots)] = node_id

    def _refuse(self, node: _Node, reason: str) -> Iterator[Graded]:
        """Leave ``node`` out of the run for good; its pairs go back to the queue."""
        self.refused[node.id] = reason
        self.on_event(node.event("refused", f"stopped, it grades nothing more in this run: {reason}"))
        yield from self._drop(node)

    def _lose(self, node: _Node, error: BaseException) -> Iterator[Graded]:
        """``node``'s actor died: take its pairs back; a fresh actor is started there if Ray still lists it."""
        self.losses[node.id] = self.losses.get(node.id, 0) + 1
        back = len(node.in_flight)
        self.on_event(node.event("lost", f"its grader process is gone ({type(error).__name__}); {back} pair(s) "
                                         "in flight go back to the queue"))
        if self.losses[node.id] >= MAX_LOSSES_PER_NODE:
            self.refused[node.id] = f"lost its grader process {self.losses[node.id]} times"
        yield from self._drop(node)
        self._discover(now=True)

    def _drop(self, node: _Node) -> Iterator[Graded]:
        yield from self._harvest(node)
        self._kill(node)
        del self.nodes[node.id]
        self.preparing = {ref: n for ref, n in self.preparing.items() if n != node.id}
        for index, _ in node.in_flight.values():
            self.attempts[index] += 1
            if self.attempts[index] < MAX_ATTEMPTS:
                self.queue.appendleft(index)
            else:  # reported, never stored: the next run tries again
                pair = self.pairs[index]
                self.done.add(index)
                reason = f"not graded: the Ray node grading it was lost {MAX_ATTEMPTS} times"
                yield Graded(pair.entry, engine.unreadable(pair.exercise, pair.entry.path, reason,
                                                           pair.entry.student))
        node.in_flight.clear()

    def _harvest(self, node: _Node) -> Iterator[Graded]:
        """Keep the results ``node`` finished before it went: they need no second grading."""
        if not node.in_flight:
            return
        finished, _ = self.ray.wait(list(node.in_flight), num_returns=len(node.in_flight), timeout=0)
        for ref in finished:
            try:
                answer = self.ray.get(ref)
            except self.ray.exceptions.RayError:
                continue
            if "result" in answer:
                index, _ = node.in_flight.pop(ref)
                yield from self._keep(index, PairResult.from_dict(answer["result"]))

    def _kill(self, node: _Node) -> None:
        try:
            self.ray.kill(node.actor, no_restart=True)
        except self.ray.exceptions.RayError:
            pass  # already gone with its node

    # -- pairs -------------------------------------------------------------------------------

    def _feed(self) -> None:
        for node in self.nodes.values():
            while node.ready and len(node.in_flight) < node.slots and self.queue:
                index = self.queue.popleft()
                node.in_flight[node.actor.grade.remote(self.payloads[index])] = (index, time.monotonic())

    def _wait(self) -> list[Any]:
        refs = [*self.preparing, *(ref for node in self.nodes.values() for ref in node.in_flight)]
        if not refs:
            time.sleep(0.2)
            return []
        ready, _ = self.ray.wait(refs, num_returns=1, timeout=1.0)
        if ready:  # and whatever else has finished meanwhile
            ready, _ = self.ray.wait(refs, num_returns=len(refs), timeout=0)
        return ready

    def _settle(self, ref: Any) -> Iterator[Graded]:
        if ref in self.preparing:
            yield from self._prepared(ref, self.nodes[self.preparing.pop(ref)])
            return
        node = next((n for n in self.nodes.values() if ref in n.in_flight), None)
        if node is None:  # its node was dropped after this call finished
            return
        try:
            answer = self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as e:  # the call raised; the node is fine: a grader bug
            index, _ = node.in_flight.pop(ref)
            pair = self.pairs[index]
            reason = f"internal error while grading on a Ray node: {_last_line(e)}"
            yield from self._keep(index, engine.unreadable(pair.exercise, pair.entry.path, reason,
                                                           pair.entry.student))
            return
        except self.ray.exceptions.RayError as e:  # the actor or its node is gone
            yield from self._lose(node, e)
            return
        if "node_failure" in answer:  # the pair stays in flight: it goes back to the queue with the others
            yield from self._refuse(node, answer["node_failure"])
            return
        index, _ = node.in_flight.pop(ref)
        yield from self._keep(index, PairResult.from_dict(answer["result"]))

    def _keep(self, index: int, result: PairResult) -> Iterator[Graded]:
        """Store and yield a pair's first result; a second one (a pair graded twice around a loss) is dropped."""
        if index not in self.done:
            self.done.add(index)
            yield keep(self.pairs[index], result, self.store, self.force)

    def _prepared(self, ref: Any, node: _Node) -> Iterator[Graded]:
        try:
            answer = self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as e:  # prepare raised: it would raise on every try
            yield from self._refuse(node, f"internal error while preparing: {_last_line(e)}")
            return
        except self.ray.exceptions.RayError as e:
            yield from self._lose(node, e)
            return
        node.pid = answer["pid"]
        if answer["problems"]:
            yield from self._refuse(node, "; ".join(answer["problems"]))
            return
        node.ready = True
        self.on_event(node.event("ready", f"{answer['slots']} slot(s), self-check passed, grading "
                                          f"(pid {node.pid} on {answer['host']})"))

    def _expire(self) -> Iterator[Graded]:
        """Kill an actor whose prepare or pair is far past any deadline (a node cut off, a hung judge)."""
        now = time.monotonic()
        for node in list(self.nodes.values()):
            late = not node.ready and now - node.started > PREPARE_SECONDS
            late = late or any(now - sent > self.pairs[index].exercise.limits.wall_seconds + GRADE_SLACK_SECONDS
                               for index, sent in node.in_flight.values())
            if late:
                yield from self._lose(node, TimeoutError("no answer in time"))

    def _finish(self) -> None:
        """The self-check after the last pair on every node still grading."""
        calls = {node.actor.finish.remote(): node for node in self.nodes.values() if node.ready}
        problems = []
        for ref, node in calls.items():
            try:
                problems += self.ray.get(ref)
            except self.ray.exceptions.RayError as e:
                self.on_event(node.event("lost", f"its grader process is gone before the final self-check "
                                                 f"({type(e).__name__}); its results passed the first one"))
        if problems:
            raise SelfCheckError("; ".join(problems))
