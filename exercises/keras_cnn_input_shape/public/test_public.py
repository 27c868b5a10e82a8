"""Public checks: the shapes at both ends of the pipeline (students see these in full).

A default model declared for other inputs than 28x28 single-channel patches
(e.g. 224x224x3) does not match the data: the known bug input-shape-mismatch.
Declaring (None, 28, 28) without the channel axis, or a wrong output shape,
fails without naming it.
"""

import numpy as np
import pytest

from grader.checking import describe, fail


@pytest.mark.points(7)
def test_preprocess_adds_channel_axis(observe):
    """preprocess turns (N, H, W) patches into (N, H, W, 1)."""
    for n, h, w in [(4, 28, 28), (3, 20, 36)]:
        out = observe("preprocess", n=n, h=h, w=w)
        if not isinstance(out, np.ndarray):
            fail(f"preprocess should return a numpy array, but it returned {describe(out)}.")
        if out.shape != (n, h, w, 1):
            fail(
                f"preprocess should add a trailing channel axis: {n} patches of {h}x{w} pixels should come "
                f"back with shape {(n, h, w, 1)}, but they came back with shape {out.shape}."
            )


@pytest.mark.points(12)
@pytest.mark.bug("input-shape-mismatch")
def test_default_model_shapes(observe):
    """create_model() declares input (None, 28, 28, 1) and output (None, 10)."""
    built = observe("build")
    if built["input_shape"] != [None, 28, 28, 1]:
        fail(
            "create_model() should build a model for 28x28 single-channel patches, so model.input_shape "
            f"should be (None, 28, 28, 1), but it is {_show(built['input_shape'])}.",
            bug="input-shape-mismatch" if _foreign(built["input_shape"]) else None,
        )
    if built["output_shape"] != [None, 10]:
        fail(
            "create_model() should end in one output per class, so model.output_shape should be "
            f"(None, 10), but it is {_show(built['output_shape'])}."
        )


def _foreign(declared):
    """Whether the declared input is built for other data than 28x28 patches (a missing channel axis of 1
    is forgiven: Keras still feeds the patches to such a model)."""
    if not isinstance(declared, list):
        return False
    shape = declared[1:]
    return (shape[:-1] if shape and shape[-1] == 1 else shape) != [28, 28]


def _show(shape):
    return str(tuple(shape)) if isinstance(shape, list) else str(shape)
