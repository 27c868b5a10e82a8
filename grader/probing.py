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
from collections.abc import Callable, Mapping
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


# ---- plain data from whatever the student's code returned -------------------------------------------
#
# A probe must return plain data, and what a student's function returns is anything: a tensor that
# requires grad, a numpy scalar, a defaultdict of Counters, a model object, a generator. These helpers turn
# it into data the judge can read, and turn what cannot be read into a *marker* that names its type, so
# that the check can say "should return a str, but it returned list" instead of failing on an
# unsupported value. A marker is a dict ``{"not_a": <what was wanted>, "type": <type name>}``; a check
# recognises one with :func:`wrong_type` (importable on both sides: it holds no expected value).

NOT_A = "not_a"


def type_name(value: Any) -> str:
    """A short, readable name of ``value``'s type: ``int``, ``list``, ``numpy.ndarray``, ``torch.Tensor``,
    ``torch.nn.Linear``, ``keras.Sequential``; the student's own classes by their bare name.

    A library class is named by the shortest public module path that exports it, which is what a student
    recognises (``torch.Tensor``, not ``torch._tensor.Tensor``).
    """
    import sys

    kind = type(value)
    module = str(getattr(kind, "__module__", "") or "")
    name = str(getattr(kind, "__qualname__", None) or getattr(kind, "__name__", "object"))
    if module in ("builtins", "__main__", "submission") or not module:
        return name
    parts = module.split(".")
    for end in range(1, len(parts) + 1):
        prefix = ".".join(parts[:end])
        if getattr(sys.modules.get(prefix), name.split(".")[0], None) is kind:
            return f"{prefix}.{name}"
    return ".".join([p for p in parts if not p.startswith("_")] + [name])


def marker(wanted: str, value: Any) -> dict[str, str]:
    """The plain stand-in for a value that is not what was wanted: ``{"not_a": wanted, "type": ...}``."""
    return {NOT_A: wanted, "type": type_name(value)}


def wrong_type(observation: Any) -> str | None:
    """The type name if ``observation`` is a marker (the code returned the wrong kind of thing), else None.

    For checks::

        out = observe("generate", seed=0)
        if (kind := wrong_type(out)) is not None:
            fail(f"generate_text should return a str, but it returned a {kind}.")
    """
    if isinstance(observation, dict) and set(observation) == {NOT_A, "type"}:
        return str(observation["type"])
    return None


def text(value: Any) -> str | dict[str, str]:
    """A returned string (``str`` subclasses included) as a plain ``str``; anything else as a marker."""
    return str.__str__(value) if isinstance(value, str) else marker("str", value)


def number(value: Any) -> float | dict[str, str]:
    """A returned real number as a ``float``: Python and numpy numbers, 0-d arrays, one-element tensors.

    ``bool`` is not a number here (``True`` for a loss is a bug worth naming); anything else is a marker.
    """
    import numbers

    if isinstance(value, numbers.Real) and not isinstance(value, bool) and not _is_array_like(value):
        return float(value)
    converted = _to_numpy(value)
    if converted is not None and converted.size == 1 and converted.dtype.kind in "iuf":
        return float(converted.reshape(()).item())
    return marker("number", value)


def array(value: Any, dtype: str | None = None) -> Any:
    """A returned array-like as a numpy array: numpy arrays, torch/TF tensors (detached, on the CPU), and
    (nested) lists or tuples of numbers; anything else, or a ragged list, as a marker.

    :param dtype: convert to this numpy dtype (e.g. ``"float64"``); None keeps the value's own.
    """
    import numpy as np

    converted = _to_numpy(value)
    if converted is None and isinstance(value, (list, tuple)):
        try:
            converted = np.asarray(value)
        except (ValueError, TypeError):
            return marker("array", value)
        if converted.dtype.kind not in "biuf":
            return marker("array", value)
    if converted is None:
        return marker("array", value)
    if dtype is not None:
        try:
            converted = converted.astype(dtype)
        except (TypeError, ValueError):
            return marker("array", value)
    return converted


def plain(value: Any, *, depth: int = 12) -> Any:
    """Any returned value as plain data, recursively.

    - ``None``, ``bool``, ``int``, ``float``, ``str`` (subclasses too) and numpy scalars: as Python values;
    - numpy arrays and torch/TF tensors: numpy arrays (detached, on the CPU; ``bfloat16`` as ``float32``);
    - mappings: dicts (keys that are not ``str`` become their JSON text: ``1`` -> ``"1"``);
    - lists, tuples, sets (sorted when they can be), ``range``: lists;
    - anything else (a model, a generator, a file), or deeper than ``depth``: a marker naming its type.

    Nothing is called on the value except conversions of known types: an object's own methods never run.
    """
    import json as _json

    if value is None or type(value) in (bool, int, float):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    converted = _to_numpy(value)
    if converted is not None:
        return converted.item() if converted.ndim == 0 and type_name(value).startswith("numpy.") else converted
    if depth <= 0:
        return marker("plain value", value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in dict.items(value) if isinstance(value, dict) else value.items():
            key = plain(key, depth=1)
            out[key if isinstance(key, str) else _json.dumps(key, default=str)] = plain(item, depth=depth - 1)
        return out
    if isinstance(value, (list, tuple, range)):
        items = list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value) \
            if isinstance(value, tuple) else iter(value)
        return [plain(v, depth=depth - 1) for v in items]
    if isinstance(value, (set, frozenset)):
        items = [plain(v, depth=depth - 1) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return sorted(items, key=repr)
    return marker("plain value", value)


def _is_array_like(value: Any) -> bool:
    return type_name(value).startswith(("numpy.", "torch.", "tensorflow."))


def _to_numpy(value: Any) -> Any:
    """A numpy array for numpy arrays and scalars and torch/TF tensors; else None. Imports nothing new."""
    import sys

    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.ndarray):
            return np.asarray(value)
        if isinstance(value, np.generic):
            return np.asarray(value)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        tensor = value.detach().cpu().resolve_conj()
        if tensor.dtype == torch.bfloat16:
            tensor = tensor.float()
        return tensor.numpy()
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(value, (tf.Tensor, tf.Variable)):
        return value.numpy()
    return None
