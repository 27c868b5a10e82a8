"""Public check for torch_cifar_cnn: the default model maps a small batch to 10 logits each."""

import numpy as np
import pytest

from grader.checking import describe


@pytest.mark.points(10)
@pytest.mark.bug("v2-shape-collapse")
def test_forward_shape_default(observe):
    """build_cnn() turns a (2, 3, 32, 32) batch into (2, 10) logits."""
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
