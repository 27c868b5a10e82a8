"""The worker protocol: what the worker may send, and what the grader refuses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grader import wire


@pytest.mark.parametrize("array", [
    np.arange(6, dtype=np.float32).reshape(2, 3),
    np.array([True, False]),
    np.zeros((0, 4), dtype=np.int64),
    np.array(3.5),
])
def test_arrays_round_trip_with_dtype_and_shape(array: np.ndarray) -> None:
    encoded = wire.encode({"a": array, "b": [1, "x", None, 2.5]})
    wire.check_value(json.loads(json.dumps(encoded)))
    decoded = wire.decode(encoded)
    assert decoded["a"].dtype == array.dtype and decoded["a"].shape == array.shape
    assert np.array_equal(decoded["a"], array)
    assert decoded["b"] == [1, "x", None, 2.5]
    assert not decoded["a"].flags.writeable


def test_torch_tensors_arrive_as_numpy() -> None:
    torch = pytest.importorskip("torch")
    decoded = wire.decode(wire.encode(torch.ones(2, 2, requires_grad=True)))
    assert isinstance(decoded, np.ndarray) and decoded.shape == (2, 2)


def test_non_finite_floats_survive_strict_json() -> None:
    line = wire.dump_message({"type": "observation", "key": "k", "seconds": 0,
                              "value": wire.encode([float("nan"), float("inf")])})
    value = wire.decode(wire.parse_message(line)["value"])
    assert np.isnan(value[0]) and value[1] == float("inf")


class Sneaky(int):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = int.__hash__


@pytest.mark.parametrize("value", [Sneaky(1), object(), {1: "int key"}, np.array(["a"]), b"bytes"])
def test_worker_refuses_anything_but_plain_data(value: object) -> None:
    with pytest.raises(wire.UnsupportedValue):
        wire.encode(value)


@pytest.mark.parametrize("line", [
    b"not json",
    b'{"type": "verdict", "passed": true}',
    b'{"type": "observation", "key": "k", "seconds": 0}',
    b'{"type": "observation", "key": "k", "seconds": 0, "value": 1, "error": {"type": "E", "message": ""}}',
    b'{"type": "observation", "key": "k", "seconds": 0, "value": {"__array__": {"dtype": "float32", '
    b'"shape": [1000000], "data": "AAAA"}}}',
    b'{"type": "observation", "key": "k", "seconds": 0, "value": {"__array__": {"dtype": "object", '
    b'"shape": [1], "data": "AAAAAAAAAAA="}}}',
    b'{"type": "observation", "key": "k", "seconds": 0, "error": {"type": 1, "message": "x"}}',
    b'{"type": "plan", "keys": ["a", "b"], "timeouts": []}',
    b'{"type": "observation", "key": "k", "seconds": 0, "error": {"kind": "timeout", "type": "", "message": ""}}',
    b'{"type": "observation", "key": "k", "seconds": 0, "value": "\\udcff"}',
    b"[" * 100000 + b"]" * 100000,
])
def test_grader_refuses_malformed_messages(line: bytes) -> None:
    with pytest.raises(wire.ProtocolError):
        wire.parse_message(line)


def test_safe_error_survives_a_hostile_str() -> None:
    class Hostile(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    error = wire.safe_error(Hostile())
    assert error.type == "Hostile" and "could not be formatted" in error.message


def test_numpy_scalars_and_container_subclasses_become_plain_data() -> None:
    from collections import OrderedDict, defaultdict

    counts = defaultdict(dict, {"a": OrderedDict(b=np.int64(2))})
    assert wire.encode(counts) == {"a": {"b": 2}}
    assert wire.encode((np.float32(0.5), np.bool_(True))) == [0.5, True]


def test_student_text_loses_terminal_escapes_and_extra_lines() -> None:
    line = wire.dump_message({"type": "observation", "key": "k", "seconds": 0, "error": {
        "kind": "raised", "type": "Value\x1b]0;pwned\x07Error",
        "message": "\x1b[1mbold\x1b[0m\r\nline 2\n\nline 3\nline 4\nline 5\x00\x07"}})
    error = wire.parse_message(line)["error"]
    assert error.type == "ValueError"
    assert error.message == "bold\nline 2\n... line 5"  # the first two lines and the last, nothing else


def test_output_with_a_lone_surrogate_becomes_valid_utf8() -> None:
    line = b'{"type": "observation", "key": "k", "seconds": 0, "value": 1, "output": "a\\udcffb"}'
    output = wire.parse_message(line)["output"]
    assert output.encode("utf-8") == "a\ufffdb".encode()
