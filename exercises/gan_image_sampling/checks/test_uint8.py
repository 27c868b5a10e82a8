"""Hidden checks: to_uint8_images clips, rounds and returns (N, H, W, C) uint8 arrays.

The expected pixel of a value v is computed here from the observed input:
(v + 1) * 127.5 clipped to [0, 255] and rounded to the nearest integer. Either
neighbour is accepted within 1e-3 of a tie (.5), so round-half-even
(np.rint, torch.round) and round-half-up (floor(x + 0.5)) both pass, and so
does float32 arithmetic.
"""

import numpy as np
import pytest

from grader.checking import fail, raised

KINDS = ("edges", "random", "gray_with_grad")


def _recognise_missing_imports(error):
    for name in ("np", "plt"):
        if raised(error, "NameError", f"'{name}'"):
            fail(f"Your code uses {name!r} but never imports it (NameError): add `import numpy as np` (matplotlib "
                 f"is not needed at all: return arrays, show nothing).", bug="numpy-matplotlib-not-imported")


def _exact(x):
    return np.clip((x.astype(np.float64) + 1.0) * 127.5, 0.0, 255.0)


def _observed(observe, kind):
    _recognise_missing_imports(observe.error("uint8", kind=kind))
    got = observe("uint8", kind=kind)
    out, x = got["output"], got["input"]
    if got["type"] != "ndarray" or not isinstance(out, np.ndarray):
        fail(f"to_uint8_images should return a numpy array, but it returned a {got['type']}.")
    n, c, h, w = x.shape
    if out.shape != (n, h, w, c):
        hint = " (channels first: transpose to (N, H, W, C))" if out.shape == x.shape else ""
        fail(f"For a tensor of shape {x.shape} (N, C, H, W) to_uint8_images should return shape {(n, h, w, c)} "
             f"(N, H, W, C), but it returned shape {out.shape}{hint}.")
    if out.dtype != np.uint8:
        fail(f"to_uint8_images should return dtype uint8, but it returned {out.dtype}.")
    return out.astype(np.int64), x.transpose(0, 2, 3, 1)


@pytest.mark.points(20)
@pytest.mark.bug("uint8-wraparound")
@pytest.mark.bug("numpy-matplotlib-not-imported")
def test_uint8_saturates_out_of_range_values(observe):
    """Values above 1 become 255 and values below -1 become 0 (clipped, never wrapped around)."""
    for kind in ("edges", "random"):
        out, x = _observed(observe, kind)
        high, low = x > 1.0, x < -1.0
        wrong_high = int((out[high] != 255).sum())
        wrong_low = int((out[low] != 0).sum())
        if wrong_high or wrong_low:
            example = x[high][out[high] != 255][:1] if wrong_high else x[low][out[low] != 0][:1]
            value = float(example[0])
            got = int(out[x == example[0]][0])
            fail(f"Pixel values outside [-1, 1] should saturate at 255 or 0, but {wrong_high + wrong_low} did not: "
                 f"{value:g} became {got}. Casting to uint8 wraps around (keeps the value modulo 256); clip "
                 f"to [0, 255] before astype(np.uint8).", bug="uint8-wraparound")


@pytest.mark.points(10)
@pytest.mark.bug("numpy-matplotlib-not-imported")
def test_uint8_rounds_to_nearest(observe):
    """Pixels in range are round((v + 1) * 127.5) as (N, H, W, C) uint8, also for 1 channel and grad tensors."""
    for kind in KINDS:
        out, x = _observed(observe, kind)
        inside = np.abs(x) <= 1.0  # values outside [-1, 1] are the other check's business
        exact = _exact(x)
        distance = np.abs(out - exact)
        wrong = (distance > 0.5 + 1e-3) & inside
        if wrong.any():
            i = tuple(np.argwhere(wrong)[0])
            truncated = bool(((out[wrong] < exact[wrong]) & (distance[wrong] < 1.0 + 1e-6)).all())
            hint = " The values were truncated: round before the cast (np.rint or np.round)." if truncated else ""
            fail(f"{int(wrong.sum())} of {int(inside.sum())} pixels with values in [-1, 1] are not "
                 f"round((v + 1) * 127.5): e.g. v = {float(x[i]):.4f} became {int(out[i])} instead of "
                 f"{int(np.floor(exact[i] + 0.5))}.{hint}")
