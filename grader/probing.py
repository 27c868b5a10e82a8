"""Worker-side vocabulary for an exercise's ``probes.py``.

A probe is a small function that calls the student's code on seeded synthetic
inputs and returns **plain data**: ``None``, ``bool``, ``int``, ``float``,
``str``, lists/tuples and ``str``-keyed dicts of those, and arrays (numpy
arrays, torch tensors or TF tensors, converted here to numpy). It never judges:
the checks, in the trusted process, compare what it returns with what was
expected.

Probes run inside the sandboxed worker, next to untrusted code, so nothing in
this module may hold an expected value or a threshold.

Example::

    from grader.probing import probe

    @probe("forward", cases=[{"n": 2}, {"n": 5}])
    def forward(student, n):
        import torch
        model = student.build_cnn()
        return model(torch.randn(n, 3, 32, 32))

A check then asks for ``observe("forward", n=2)``.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_REGISTRY_ATTR = "__grader_probe__"


@dataclass(frozen=True)
class ProbeSpec:
    """What the ``@probe`` decorator records about one probe function."""

    name: str
    cases: tuple[dict[str, Any], ...]
    timeout: float | None
    function: Callable[..., Any] = field(compare=False)


def probe(
    name: str,
    *,
    cases: list[dict[str, Any]] | None = None,
    timeout: float | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Tag a function as a probe.

    :param name: the id checks use in ``observe(name, **case)``.
    :param cases: keyword arguments of each run; every case is one observation.
        Values must be JSON data. Default: one case with no arguments.
    :param timeout: wall seconds for one case; default from ``exercise.toml``.
    """
    if name == "import" or not name.replace("_", "").isalnum():
        raise ValueError(f"invalid probe name {name!r}")
    normalized = tuple(dict(c) for c in (cases or [{}]))
    for case in normalized:
        json.dumps(case)  # fail at load time, not in the worker, on a bad case

    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        setattr(function, _REGISTRY_ATTR, ProbeSpec(name, normalized, timeout, function))
        return function

    return mark


def case_key(name: str, case: dict[str, Any]) -> str:
    """The stable id of one observation: ``name`` plus its sorted arguments."""
    return name + json.dumps(case, sort_keys=True, separators=(",", ":"))


def collect(namespace: dict[str, Any]) -> list[ProbeSpec]:
    """Every probe defined in a loaded ``probes.py``, in definition order."""
    specs = [getattr(v, _REGISTRY_ATTR) for v in namespace.values() if hasattr(v, _REGISTRY_ATTR)]
    names = [s.name for s in specs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"probe names defined twice: {sorted(duplicates)}")
    return specs


@functools.lru_cache(maxsize=64)
def _cases(path: str, mtime_ns: int) -> tuple[tuple[str, float | None], ...]:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"grader_plan_{abs(hash(path))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple((case_key(s.name, c), s.timeout) for s in collect(vars(module)) for c in s.cases)


def load_cases(probes: Path) -> tuple[tuple[str, float | None], ...]:
    """Every case key of a ``probes.py`` with its own timeout (None: the exercise's default), in order.

    Read in the trusted process, so that the plan of a run never comes from a
    worker; probe functions are not called (frameworks are imported inside them).
    """
    return _cases(str(probes), probes.stat().st_mtime_ns)


def seed_everything(seed: int = 0) -> None:
    """Seed ``random``, numpy, torch and TensorFlow (those already imported).

    The worker calls this before every case; probes call it again when they
    need a specific seed. Frameworks are seeded only if the student's code or
    the probe already imported them, so a pure-Python exercise never pays for
    importing torch.
    """
    import sys

    random.seed(seed)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
        tf.random.set_seed(seed)
        if "keras" in sys.modules:
            sys.modules["keras"].utils.set_random_seed(seed)


def snapshot_parameters(model: Any) -> list[Any]:
    """Copies of a torch module's parameters, to see later whether they moved."""
    return [p.detach().clone() for p in model.parameters()]


def max_parameter_change(before: list[Any], model: Any) -> float:
    """Largest absolute change of any parameter since ``snapshot_parameters``."""
    after = list(model.parameters())
    if len(after) != len(before):
        return float("inf")
    changes = [float((a.detach() - b).abs().max()) for a, b in zip(after, before, strict=True) if a.numel()]
    return max(changes, default=0.0)
