"""Hidden checks of preprocess: the pixel scaling and the dtype."""

import numpy as np
import pytest

from grader.checking import describe, fail


@pytest.mark.points(6)
def test_preprocess_scales_to_unit_interval(observe, expected):
    """preprocess maps each pixel p to p / 255, in [0, 1]."""
    for n, h, w in [(4, 28, 28), (3, 20, 36)]:
        out = observe("preprocess", n=n, h=h, w=w)
        want = expected("preprocess", n=n, h=h, w=w)
        if not isinstance(out, np.ndarray) or out.dtype.kind not in "biuf":
            fail(f"preprocess should return a numeric numpy array, but it returned {describe(out)}.")
        if out.size != want.size:
            fail(
                f"preprocess should keep every pixel (one value per pixel), but it returned {out.size} "
                f"values for {want.size} pixels."
            )
        values = out.astype(np.float64).reshape(-1)
        if not np.isfinite(values).all() or values.min() < 0.0 or values.max() > 1.0:
            fail(
                "preprocess should scale uint8 pixels (0..255) into [0, 1] by dividing by 255, but your "
                f"values range over [{np.nanmin(values):.4g}, {np.nanmax(values):.4g}]."
            )
        if not np.allclose(values, want.astype(np.float64).reshape(-1), rtol=1e-5, atol=1e-6):
            fail(
                "preprocess should map each pixel p to p / 255 (0 -> 0.0, 255 -> 1.0) and keep the pixel "
                "order, but your values differ from that."
            )


@pytest.mark.points(2)
def test_preprocess_returns_float32(observe):
    """preprocess returns float32 (the dtype Keras computes in)."""
    for n, h, w in [(4, 28, 28), (3, 20, 36)]:
        out = observe("preprocess", n=n, h=h, w=w)
        if not isinstance(out, np.ndarray) or out.dtype != np.float32:
            kind = out.dtype if isinstance(out, np.ndarray) else describe(out)
            fail(f"preprocess should return a float32 array, but it returned {kind}.")
