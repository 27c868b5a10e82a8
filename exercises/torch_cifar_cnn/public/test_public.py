"""Public check for torch_cifar_cnn: the default model maps a small batch to 10 logits each.

It names the known bug v2-shape-collapse only when the forward pass stopped
because a layer found its input map too small (the third conv block of the
second printed version); any other error names no bug.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised


@pytest.mark.points(10)
@pytest.mark.bug("v2-shape-collapse")
def test_forward_shape_default(observe):
    """build_cnn() turns a (2, 3, 32, 32) batch into (2, 10) logits."""
    error = observe.error("forward", n=2, num_classes=None)
    if (raised(error, "RuntimeError", "Output size is too small")
            or raised(error, "RuntimeError", "Kernel size can't be greater than actual input size")):
        fail(f"build_cnn()(images) raised RuntimeError: a layer got a feature map too small for it "
             f"({error.message}). Track the spatial size through every conv and pool layer: "
             f"after two blocks of Conv2d(kernel 5) + MaxPool2d(2) a 32x32 image is already 5x5.",
             bug="v2-shape-collapse")
    out = observe("forward", n=2, num_classes=None)
    assert isinstance(out, np.ndarray), (
        f"build_cnn()(images) should return a tensor of logits, but it returned {describe(out)}."
    )
    assert out.shape == (2, 10), (
        f"For a batch of 2 images of shape (3, 32, 32), build_cnn() should give logits of shape (2, 10), "
        f"but it gave shape {tuple(out.shape)}."
    )
    assert out.dtype.kind == "f" and np.isfinite(out).all(), (
        f"The logits should be finite floats, but they were {describe(out)}."
    )
