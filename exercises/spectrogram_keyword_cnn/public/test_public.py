"""Public check for spectrogram_keyword_cnn: a 40-mel, 101-frame spectrogram gets one logit per keyword.

It names the known bug hardcoded-flatten-24x24 only on its symptom: the same
model class works on 24x24 spectrograms, has the same number of parameters
whether it is built for 24x24 or 40x101 (its flatten size is a constant), and
its Linear layer (or a fixed x.view(-1, N)) rejects the flattened 40x101 map.
A flatten size computed with a wrong formula, or any other error, names no bug.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

CASE = {"n_mels": 40, "n_frames": 101}
CASE_24 = {"n_mels": 24, "n_frames": 24}


FLATTEN_ERRORS = ("mat1 and mat2 shapes cannot be multiplied", "is invalid for input of size")


def _same_parameter_count(observe):
    """Whether KeywordCNN(40, 101, 4) and KeywordCNN(24, 24, 4) have the same (known) number of parameters."""
    if observe.error("parameters_public", **CASE) is not None or \
            observe.error("parameters_public", **CASE_24) is not None:
        return False
    count = observe("parameters_public", **CASE)
    return count is not None and count == observe("parameters_public", **CASE_24)


@pytest.mark.points(10)
@pytest.mark.bug("hardcoded-flatten-24x24")
def test_forward_shape_40x101(observe):
    """KeywordCNN(40, 101, 4) turns a (2, 1, 40, 101) batch of spectrograms into (2, 4) logits."""
    error = observe.error("forward_public", **CASE)
    flatten_error = any(raised(error, "RuntimeError", fragment) for fragment in FLATTEN_ERRORS)
    if flatten_error and observe.error("forward_public", **CASE_24) is None and _same_parameter_count(observe):
        fail("KeywordCNN(40, 101, 4) raised RuntimeError on a (2, 1, 40, 101) batch although the same class "
             f"works on 24x24 spectrograms and has the same number of parameters for both sizes ({error.message}): "
             "the first Linear layer's input size is fixed for a 24x24 input, like the snippet's "
             "Linear(64 * 6 * 6, ...). Compute it from n_mels and n_frames, or end the conv part with "
             "nn.AdaptiveAvgPool2d.", bug="hardcoded-flatten-24x24")
    if flatten_error:
        fail(f"KeywordCNN(40, 101, 4) raised RuntimeError on a (2, 1, 40, 101) batch ({error.message}): the first "
             "Linear layer's input size (or the size you flatten to) does not match the flattened feature map. "
             "Follow the size through every conv and pooling layer (MaxPool2d rounds down), or use a dummy "
             "forward pass, x.flatten(1), or nn.AdaptiveAvgPool2d.")
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
