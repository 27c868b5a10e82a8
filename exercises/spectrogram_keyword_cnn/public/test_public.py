"""Public check for spectrogram_keyword_cnn: a 40-mel, 101-frame spectrogram gets one logit per keyword.

It names the known bug hardcoded-flatten-24x24 only on its symptom: the same
model class works on 24x24 spectrograms but its Linear layer rejects the
flattened 40x101 map ("mat1 and mat2 shapes cannot be multiplied"). Any other
error names no bug.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

CASE = {"n_mels": 40, "n_frames": 101}
CASE_24 = {"n_mels": 24, "n_frames": 24}


@pytest.mark.points(10)
@pytest.mark.bug("hardcoded-flatten-24x24")
def test_forward_shape_40x101(observe):
    """KeywordCNN(40, 101, 4) turns a (2, 1, 40, 101) batch of spectrograms into (2, 4) logits."""
    error = observe.error("forward_public", **CASE)
    if raised(error, "RuntimeError", "mat1 and mat2 shapes cannot be multiplied") and \
            observe.error("forward_public", **CASE_24) is None:
        fail("KeywordCNN(40, 101, 4) raised RuntimeError on a (2, 1, 40, 101) batch although the same class "
             f"works on 24x24 spectrograms ({error.message}): the first Linear layer's input size is fixed for "
             "a 24x24 input, like the snippet's Linear(64 * 6 * 6, ...). Compute it from n_mels and n_frames, "
             "or end the conv part with nn.AdaptiveAvgPool2d.", bug="hardcoded-flatten-24x24")
    if raised(error, "RuntimeError", "mat1 and mat2 shapes cannot be multiplied"):
        fail(f"KeywordCNN(40, 101, 4) raised RuntimeError on a (2, 1, 40, 101) batch ({error.message}): the first "
             "Linear layer's input size does not match the flattened feature map. Follow the size through every "
             "conv and pooling layer (or use a dummy forward pass, or nn.AdaptiveAvgPool2d).")
    out = observe("forward_public", **CASE)
    assert isinstance(out, np.ndarray), (
        f"KeywordCNN(40, 101, 4)(x) should return a tensor of logits, but it returned {describe(out)}."
    )
    assert out.shape == (2, 4), (
        f"For a batch of 2 spectrograms of shape (1, 40, 101), KeywordCNN(40, 101, 4) should give logits of "
        f"shape (2, 4), but it gave shape {tuple(out.shape)}."
    )
    assert out.dtype.kind == "f" and np.isfinite(out).all(), (
        f"The logits should be finite floats, but they were {describe(out)}."
    )
