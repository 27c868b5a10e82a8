"""Public check for gpt2_sampling: apply_temperature divides the logits by the temperature.

The probe calls ``apply_temperature(logits, 0.5)`` and ``apply_temperature(logits, 2.0)`` on
random logits of shape (3, 50) and returns the input and the output.
"""

import numpy as np
import pytest

from grader.checking import describe, fail


@pytest.mark.points(5)
def test_apply_temperature_divides(observe):
    """apply_temperature(logits, T) returns logits / T with the same shape."""
    for temperature in (0.5, 2.0):
        got = observe("temperature", temperature=temperature)
        out = got["out"]
        if got["type"] != "Tensor":
            fail(f"apply_temperature should return a tensor, but it returned a {got['type']}.")
        if out.shape != got["logits"].shape:
            fail(f"apply_temperature should keep the shape {got['logits'].shape} of the logits, but it returned "
                 f"shape {out.shape}.")
        want = got["logits"] / temperature
        if np.allclose(out, got["logits"] * temperature, rtol=1e-5, atol=1e-6):
            fail(f"apply_temperature(logits, {temperature}) multiplied the logits by the temperature; divide "
                 "them: a temperature above 1 flattens the distribution, below 1 sharpens it.")
        if not np.allclose(out, want, rtol=1e-5, atol=1e-6):
            fail(f"apply_temperature(logits, {temperature}) should return logits / {temperature}, but it returned "
                 f"{describe(out)}.")
