"""Hidden checks of compute_features: a Hann-windowed log-magnitude STFT, standardised per utterance.

Known bugs are named only on their symptom:
- transforms-not-imported: NameError for ``transforms`` (at import or in compute_features);
- fourier-transform-nonexistent: AttributeError for a ``FourierTransform``;
- image-normalize-on-audio: the features are the right log spectrum (they match
  the reference once this check standardises them) but were never normalised:
  neither each utterance nor the batch has mean 0 and standard deviation 1.
  That is what the snippet's transforms.Normalize(mean=0.0, std=1.0) does to
  a tensor: nothing (x - 0) / 1.

Tolerances: the features are compared after the check standardises each
utterance itself, so a log of the power instead of the magnitude, another
log base, another small eps (up to 1e-3), torch.stft(normalized=True) and a
biased or unbiased standard deviation all pass. Measured on the three probe
cases (scratch script): those variants differ from the reference by at most
0.004 in mean absolute value, with at most 0.05% of values off by more than
0.25; a symmetric Hann window (periodic=False) by 0.006 and 0.07%. Limits:
0.03 and 2%. What fails: a rectangular window (0.5 and 65%), a Hamming window
(0.14 and 16%), log1p (0.26 and 38%), per-bin normalisation (0.2 and 20%),
and constant instead of reflect padding (up to 0.04 and 4.5%, in its edge
frames).
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

DEFAULT = {"n_fft": None, "hop_length": None, "length": 16000}
CASES = [DEFAULT, {"n_fft": 256, "hop_length": 128, "length": 12000},
         {"n_fft": 512, "hop_length": 200, "length": 9000}]
MEAN_ABS_TOLERANCE = 0.03
FAR_VALUE = 0.25
FAR_FRACTION = 0.02


def _call(case):
    if case["n_fft"] is None:
        return "compute_features(waveform)"
    return f"compute_features(waveform, n_fft={case['n_fft']}, hop_length={case['hop_length']})"


def _shape(case):
    n_fft = case["n_fft"] or 400
    hop = case["hop_length"] or 160
    return 1 + case["length"] // hop, n_fft // 2 + 1


def _feature_bug(observe, case):
    """Fail naming the bug if compute_features raised one of the snippet's transform errors."""
    error = observe.error("features", **case)
    if raised(error, "NameError", "'transforms'"):
        fail(f"Your code raised NameError ({error.message}): `transforms` is never imported, and the "
             "torchvision/torchaudio transforms are not available here anyway. Compute the spectrogram with "
             "torch.stft.", bug="transforms-not-imported")
    if raised(error, "AttributeError", "FourierTransform"):
        fail(f"Your code raised AttributeError ({error.message}): there is no FourierTransform class "
             "(not in torchvision, torchaudio or torch). Compute the spectrogram with torch.stft.",
             bug="fourier-transform-nonexistent")


def _features(observe, case):
    """The batch features and the two single-row features, checked for type and shape."""
    got = observe("features", **case)
    frames, bins = _shape(case)
    batch = got["batch"]
    if not isinstance(batch, np.ndarray):
        fail(f"{_call(case)} should return a tensor, but it returned {describe(batch)}.")
    if batch.shape != (2, frames, bins):
        fail(f"For a (2, {case['length']}) waveform, {_call(case)} should give features of shape (2, {frames}, "
             f"{bins}) (batch, 1 + T // hop_length frames, n_fft // 2 + 1 bins), but it gave "
             f"{tuple(batch.shape)}.")
    if batch.dtype.kind != "f" or not np.isfinite(batch).all():
        fail(f"The features of {_call(case)} should be finite floats, but they were {describe(batch)}.")
    return got


def _standardised(x):
    x = x.astype(np.float64)
    axes = tuple(range(1, x.ndim))
    return (x - x.mean(axis=axes, keepdims=True)) / x.std(axis=axes, keepdims=True)


def _standardised_along_one_axis(batch, case):
    """Fail with a precise message if every frame (or every bin) was standardised on its own."""
    x = batch.astype(np.float64)
    for axis, unit in ((2, "frame over its frequency bins"), (1, "frequency bin over its frames")):
        if np.abs(x.mean(axis=axis)).max() < 1e-3 and np.abs(x.std(axis=axis) - 1).max() < 0.02:
            fail(f"{_call(case)} standardised every {unit} separately; standardise each utterance as a whole "
                 "(one mean and one standard deviation over all its frames and bins), which keeps the loudness "
                 "differences between frames and bins that the model needs.")


@pytest.mark.points(15)
@pytest.mark.bug("transforms-not-imported")
@pytest.mark.bug("fourier-transform-nonexistent")
def test_features_are_log_magnitude_stft(observe, expected):
    """compute_features is the log-magnitude of a Hann-windowed STFT, for any n_fft and hop_length, (T,) or (B, T)."""
    for case in CASES:
        _feature_bug(observe, case)
    for case in CASES:
        got, want = _features(observe, case), expected("features", **case)
        frames, bins = _shape(case)
        for single in got["singles"]:
            if not isinstance(single, np.ndarray) or single.shape != (1, frames, bins):
                fail(f"For a single waveform of shape ({case['length']},), {_call(case)} should give features "
                     f"of shape (1, {frames}, {bins}), but it gave {describe(single)}.")
        mine, reference = _standardised(got["batch"]), _standardised(want["batch"])
        difference = np.abs(mine - reference)
        far = float((difference > FAR_VALUE).mean())
        if difference.mean() > MEAN_ABS_TOLERANCE or far > FAR_FRACTION:
            _standardised_along_one_axis(got["batch"], case)
            peak, ref_peak = mine[0, frames // 2].argmax(), reference[0, frames // 2].argmax()
            hint = (" Its loudest bin in the middle frame is not that of the signal's tone: is it a Fourier "
                    "transform of the right frame size?" if peak != ref_peak else
                    " The loudest bins agree, so look at the window (torch.hann_window(n_fft)), the log of the "
                    "magnitude (|X|, not log1p), and torch.stft's default centering and reflect padding.")
            fail(f"The features of {_call(case)} differ from the standardised log-magnitude of a Hann-windowed "
                 f"STFT: {far:.1%} of the values are off by more than {FAR_VALUE} (mean difference "
                 f"{difference.mean():.3f}).{hint}")


@pytest.mark.points(10)
@pytest.mark.bug("image-normalize-on-audio")
@pytest.mark.bug("transforms-not-imported")
@pytest.mark.bug("fourier-transform-nonexistent")
def test_features_standardised_per_utterance(observe, expected):
    """Each utterance's features have mean 0 and standard deviation 1, the same whether it comes alone or in a batch."""
    for case in CASES:
        _feature_bug(observe, case)
    for case in CASES:
        got, want = _features(observe, case), expected("features", **case)
        batch = got["batch"].astype(np.float64)
        means = batch.mean(axis=(1, 2))
        stds = batch.std(axis=(1, 2))
        if np.all(np.abs(means) < 0.02) and np.all(np.abs(stds - 1) < 0.02):
            singles = got["singles"]
            for i, single in enumerate(singles):
                if isinstance(single, np.ndarray) and single.shape == batch[i:i + 1].shape and \
                        not np.allclose(single, batch[i:i + 1], atol=1e-3):
                    fail(f"The features {_call(case)} gives an utterance depend on the other utterances of its "
                         "batch: standardise each utterance with its own mean and standard deviation.")
            continue
        right_spectrum = np.abs(_standardised(batch) - _standardised(want["batch"])).mean() <= MEAN_ABS_TOLERANCE
        batch_standardised = abs(batch.mean()) < 0.02 and abs(batch.std() - 1) < 0.02
        if right_spectrum and not batch_standardised:
            fail(f"The features of {_call(case)} are the right log spectrum but not normalised (per-utterance "
                 f"means {', '.join(f'{m:.3g}' for m in means)}, standard deviations "
                 f"{', '.join(f'{s:.3g}' for s in stds)}). Normalize(mean=0, std=1) computes (x - 0) / 1, which "
                 "changes nothing: subtract each utterance's own mean and divide by its own standard deviation.",
                 bug="image-normalize-on-audio")
        if batch_standardised:
            fail(f"The features of {_call(case)} are standardised over the whole batch (per-utterance means "
                 f"{', '.join(f'{m:.3g}' for m in means)}): standardise each utterance on its own, so that its "
                 "features do not depend on the rest of the batch.")
        fail(f"Each utterance's features should have mean 0 and standard deviation 1, but {_call(case)} gave "
             f"means {', '.join(f'{m:.3g}' for m in means)} and standard deviations "
             f"{', '.join(f'{s:.3g}' for s in stds)}.")
