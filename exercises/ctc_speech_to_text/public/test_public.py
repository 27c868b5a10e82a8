"""Public check for ctc_speech_to_text: one second of 16 kHz audio gives 101 frames of 201 bins.

It names a known bug only on its symptom: NameError for ``transforms``
(transforms-not-imported) or an AttributeError for a ``FourierTransform``
(fourier-transform-nonexistent), raised by compute_features or at import.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised


@pytest.mark.points(5)
@pytest.mark.bug("transforms-not-imported")
@pytest.mark.bug("fourier-transform-nonexistent")
def test_feature_shape(observe):
    """compute_features turns a (2, 16000) batch into (2, 101, 201) finite features (n_fft 400, hop 160)."""
    error = observe.error("feature_shape")
    if raised(error, "NameError", "'transforms'"):
        fail(f"Your code raised NameError ({error.message}): `transforms` is never imported, and the "
             "torchvision/torchaudio transforms are not available here anyway. Compute the spectrogram with "
             "torch.stft.", bug="transforms-not-imported")
    if raised(error, "AttributeError", "FourierTransform"):
        fail(f"Your code raised AttributeError ({error.message}): there is no FourierTransform class "
             "(not in torchvision, torchaudio or torch). Compute the spectrogram with torch.stft.",
             bug="fourier-transform-nonexistent")
    out = observe("feature_shape")
    assert isinstance(out, np.ndarray), (
        f"compute_features should return a tensor, but it returned {describe(out)}."
    )
    assert out.shape == (2, 101, 201), (
        f"For a (2, 16000) waveform, compute_features should give (2, 101, 201) features (batch, 1 + 16000 // "
        f"160 frames, 400 // 2 + 1 bins), but it gave shape {tuple(out.shape)}."
    )
    assert out.dtype.kind == "f" and np.isfinite(out).all(), (
        f"The features should be finite floats, but they were {describe(out)}."
    )
