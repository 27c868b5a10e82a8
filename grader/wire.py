"""The worker protocol's whole vocabulary: messages, keys, error kinds, and their encoding.

Both sides import this module and nothing else to talk to each other. The
worker *encodes* what a probe returned (exact type checks; arrays as raw bytes
with dtype and shape; never pickle) and sends JSON lines on a private pipe.
The grader *decodes* every line strictly: a closed set of message types, caps
on size and depth, arrays whose byte length matches their dtype and shape,
text made safe (no terminal escapes, valid UTF-8). Anything else is a
:class:`ProtocolError`, which the supervisor treats like a crash: the
observations it would have carried are missing, never passed.

Messages (worker -> grader), each with the run's ``nonce``:
``hello`` (the worker is up), ``start`` (``key``: a case begins),
``observation`` (``key``, ``seconds``, ``output``, and ``value`` or ``error``),
``done`` (every case of the job was sent).
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys
from dataclasses import dataclass
from typing import Any, Literal, get_args

MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_RUN_BYTES = 256 * 1024 * 1024
"""Everything one worker may send in all; beyond it the worker broke the protocol."""
MAX_JSON_ITEMS = 500_000
"""Containers and list items one message may hold: a line of ``[{},{},...]`` costs the grader fifty times its
size once parsed; large numeric data travels as arrays (base64), which count as one item."""
MAX_DEPTH = 32
ARRAY_TAG = "__array__"
DTYPES = frozenset({
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
})
MessageType = Literal["hello", "start", "observation", "done"]
MESSAGE_TYPES: frozenset[str] = frozenset(get_args(MessageType))
MAX_ERROR_LINES = 2  # a student's exception message may echo a hidden input: keep it to a short line or two
MAX_MESSAGE_CHARS = 400
MAX_OUTPUT_CHARS = 64 * 1024  # ceiling for one case, whatever [limits] output_kb says
MAX_SECONDS = 24 * 3600.0

IMPORT_KEY = "import{}"
"""The observation key of importing the submission (``case_key("import", {})``)."""
CPU_LIMIT_EXIT = 75
"""Exit status of a worker that hit its CPU-time limit (a signal's death is not visible from outside its namespace)."""

ErrorKind = Literal["raised", "import-blocked", "unsupported", "timeout", "budget", "crashed", "cpu-limit"]
"""Why an observation is an error instead of a value.

Sent by the worker: ``raised`` (the student's code raised ``type``),
``import-blocked`` (the case could not run: the import failed), ``unsupported``
(the code returned something that is not plain data). Decided by the grader
only, never accepted from a worker: ``timeout`` (the case ran past its own
deadline), ``budget`` (the submission's total time ran out during it),
``crashed`` (the worker process ended), ``cpu-limit``.
"""
WORKER_ERROR_KINDS: frozenset[str] = frozenset({"raised", "import-blocked", "unsupported"})
_FIELDS: dict[str, frozenset[str]] = {
    "hello": frozenset({"type", "nonce"}),
    "start": frozenset({"type", "nonce", "key"}),
    "observation": frozenset({"type", "nonce", "key", "seconds", "output", "value", "error"}),
    "done": frozenset({"type", "nonce"}),
}
_ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # with bidi controls
_SURROGATE = re.compile("[\ud800-\udfff]")


class ProtocolError(Exception):
    """A worker message that is not what the protocol allows."""


class UnsupportedValue(TypeError):
    """A probe returned something that is not plain data (worker side)."""


@dataclass(frozen=True, slots=True)
class ProbeError:
    """A probe case gave no value: the student's code raised, hung, crashed, ... (see :data:`ErrorKind`)."""

    kind: ErrorKind
    type: str
    """The exception's class name for ``raised``; empty otherwise."""
    message: str
    """For the student, capped; may echo what the student's code printed into its exception."""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "type": self.type, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProbeError:
        return cls(data["kind"], data["type"], data["message"])


# ---- worker side -----------------------------------------------------------------------------


def encode(value: Any, depth: int = 0) -> Any:
    """Turn a probe's return value into JSON data, converting arrays and tensors.

    Scalars must be exactly ``bool``/``int``/``float``/``str`` (or numpy
    scalars, converted); containers may be subclasses (a ``defaultdict`` is a
    fine model) and are copied into plain ones through the base-class methods.
    """
    if depth > MAX_DEPTH:
        raise UnsupportedValue("value is nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int):
        return value
    if kind is str:
        return valid_unicode(value)
    if kind is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, (list, tuple)):
        items = list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value)
        return [encode(v, depth + 1) for v in items]
    if isinstance(value, dict):
        out = {}
        for key, item in dict.items(value):
            if type(key) is not str:
                raise UnsupportedValue(f"dict keys must be str, not {type(key).__name__}")
            out[valid_unicode(key)] = encode(item, depth + 1)
        return out
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return encode(value.item(), depth)
    array = _as_numpy(value)
    if array is not None:
        return _encode_array(array)
    raise UnsupportedValue(f"{kind.__module__}.{kind.__qualname__} is not plain data")


def _as_numpy(value: Any) -> Any:
    """A numpy array for numpy arrays/scalars and torch/TF tensors; else None."""
    np = sys.modules.get("numpy")
    if np is not None:
        if type(value) is np.ndarray:
            return value
        if isinstance(value, np.generic):
            return np.asarray(value)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().resolve_conj().numpy()
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(value, (tf.Tensor, tf.Variable)):
        return value.numpy()
    return None


def _encode_array(array: Any) -> dict[str, Any]:
    np = sys.modules["numpy"]
    if type(array) is not np.ndarray:
        raise UnsupportedValue("tensor did not convert to a numpy array")
    dtype = array.dtype.name
    if dtype not in DTYPES:
        raise UnsupportedValue(f"arrays of dtype {dtype} are not supported")
    data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return {ARRAY_TAG: {"dtype": dtype, "shape": list(array.shape), "data": base64.b64encode(data).decode()}}


def dump_message(message: dict[str, Any]) -> bytes:
    """One JSON line. Raises ``ValueError`` if the line would exceed the cap."""
    line = json.dumps(message, separators=(",", ":"), allow_nan=False).encode() + b"\n"
    if len(line) > MAX_LINE_BYTES:
        raise ValueError(f"observation is larger than {MAX_LINE_BYTES // (1024 * 1024)} MB")
    return line


def safe_error(exc: BaseException) -> ProbeError:
    """An exception's type and message, formatted without trusting its ``__str__``."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except BaseException:  # a hostile __str__ must not break the worker
        text = "<message could not be formatted>"
    if not isinstance(name, str):
        name = "Exception"
    return ProbeError("raised", name[:100], text[:4 * MAX_MESSAGE_CHARS])


# ---- grader side ------------------------------------------------------------------------------


def parse_message(line: bytes) -> dict[str, Any]:
    """Parse and validate one line from the worker; raise :class:`ProtocolError`."""
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError("message too large")
    if line.count(b"[") + line.count(b"{") + line.count(b",") > MAX_JSON_ITEMS:
        raise ProtocolError("message with too many items")
    try:
        message = json.loads(line)
    except (ValueError, RecursionError) as e:
        raise ProtocolError(f"not JSON: {e}") from None
    if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
        raise ProtocolError("unknown message type")
    kind = message["type"]
    if not set(message) <= _FIELDS[kind]:
        raise ProtocolError(f"unexpected fields in a {kind} message")
    if kind in ("start", "observation") and not isinstance(message.get("key"), str):
        raise ProtocolError(f"{kind} message without a key")
    if kind == "observation":
        if ("value" in message) == ("error" in message):
            raise ProtocolError("observation must carry exactly one of value or error")
        if "error" in message:
            message["error"] = parse_error(message["error"])
        else:
            check_value(message["value"])
        seconds = message.get("seconds")
        if type(seconds) not in (int, float) or not 0 <= seconds <= MAX_SECONDS:
            raise ProtocolError("observation without a plausible duration")
        if not isinstance(message.get("output", ""), str):
            raise ProtocolError("observation output must be text")
        message["output"] = clean_text(message.get("output", "")[:MAX_OUTPUT_CHARS])
    return message


def clean_text(text: str, *, max_lines: int | None = None, max_chars: int | None = None) -> str:
    """Text from the worker made safe to show: valid UTF-8, no terminal escapes or control characters.

    Everything the student's code wrote can reach a TA's terminal; an escape
    sequence there could rewrite the screen or the window title. A lone
    surrogate (``"\\udcff"``, valid in JSON) would break every UTF-8 writer.
    """
    text = valid_unicode(text)
    text = _CONTROL.sub("", _ANSI.sub("", text.replace("\r\n", "\n")))
    if max_lines is not None:
        lines = [line.rstrip() for line in text.splitlines() if line.strip()]
        if len(lines) > max_lines:  # the first lines and the last: an error's point is often at its end
            lines = [*lines[:max_lines], "... " + lines[-1].strip()]
        text = "\n".join(lines)
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 4] + " ..."
    return text


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates replaced, so that it encodes as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def parse_error(data: Any) -> ProbeError:
    if not (isinstance(data, dict) and set(data) == {"kind", "type", "message"}
            and all(isinstance(v, str) for v in data.values())):
        raise ProtocolError("malformed error")
    if data["kind"] not in WORKER_ERROR_KINDS:
        raise ProtocolError(f"a worker may not report an error of kind {data['kind']!r}")
    return ProbeError(data["kind"], clean_text(data["type"], max_lines=1, max_chars=100),
                      clean_text(data["message"], max_lines=MAX_ERROR_LINES, max_chars=MAX_MESSAGE_CHARS))


def check_value(value: Any, depth: int = 0) -> None:
    """Validate an encoded value without decoding it (arrays: sizes must match)."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if value is None or type(value) in (bool, int, float):
        return
    if type(value) is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ProtocolError("text that is not valid Unicode (a lone surrogate)") from None
        return
    if type(value) is list:
        for item in value:
            check_value(item, depth + 1)
        return
    if type(value) is dict:
        if ARRAY_TAG in value:
            _check_array(value)
        elif "__float__" in value:
            if set(value) != {"__float__"} or value["__float__"] not in ("nan", "inf", "-inf"):
                raise ProtocolError("malformed special float")
        else:
            for key, item in value.items():
                check_value(key, depth + 1)
                check_value(item, depth + 1)
        return
    raise ProtocolError(f"unexpected JSON type {type(value).__name__}")


def _check_array(value: dict[str, Any]) -> None:
    spec = value[ARRAY_TAG]
    if set(value) != {ARRAY_TAG} or not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data"}:
        raise ProtocolError("malformed array")
    shape, dtype, data = spec["shape"], spec["dtype"], spec["data"]
    if dtype not in DTYPES:
        raise ProtocolError(f"array dtype {dtype!r} not allowed")
    if not (isinstance(shape, list) and len(shape) <= MAX_DEPTH
            and all(type(n) is int and n >= 0 for n in shape)):
        raise ProtocolError("malformed array shape")
    if not isinstance(data, str):
        raise ProtocolError("malformed array data")
    import numpy as np

    expected = math.prod(shape) * np.dtype(dtype).itemsize
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise ProtocolError("array data is not base64") from None
    if len(raw) != expected:
        raise ProtocolError("array data does not match its shape and dtype")


def decode(value: Any) -> Any:
    """Turn a validated encoded value into Python data and read-only numpy arrays."""
    if type(value) is list:
        return [decode(v) for v in value]
    if type(value) is dict:
        if ARRAY_TAG in value:
            import numpy as np

            spec = value[ARRAY_TAG]
            raw = base64.b64decode(spec["data"], validate=True)
            array = np.frombuffer(raw, dtype=np.dtype(spec["dtype"]).newbyteorder("<"))
            array = array.astype(array.dtype.newbyteorder("="), copy=False).reshape(spec["shape"])
            array.flags.writeable = False
            return array
        if "__float__" in value:
            return float(value["__float__"])
        return {k: decode(v) for k, v in value.items()}
    return value
