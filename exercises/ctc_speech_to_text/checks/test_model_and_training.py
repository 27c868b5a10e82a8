"""Hidden checks: the file imports cleanly, TinyASR's log-probabilities, ctc_train_step, learning.

The known bug nonexistent-module is named only on its symptom: the import
failed with ModuleNotFoundError for ``asr_model`` (the snippet's ``from
asr_model import ASRModel``: no such package exists). Other failures name no
bug.

Learning threshold (``EXACT_MATCH_TO_REACH`` = 0.9), measured with the probe
``learn`` on seeds 0-19 (scratch script calling the probe function directly;
the seed moves the data, the initialisation and the batch order), as the
exact-match rate of greedy decoding on 64 held-out utterances: the reference
solution (1-D convolutions) min 0.984; the correct variants of
tests/submissions: bidirectional GRU 0.984, LSTM 1.00, per-frame MLP over 5
frames of context 0.969, convolutions with BatchNorm 1.00; also a
unidirectional LSTM (32 units) 1.00, a bidirectional GRU (64 units) 0.984 and
a per-frame MLP without context 0.969. An untrained model scores 0; a single
Linear layer per frame (not a plausible acoustic model) 0.2-0.5.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

EXACT_MATCH_TO_REACH = 0.9
UNAVAILABLE = ("torchaudio", "torchvision")


@pytest.mark.points(5)
@pytest.mark.bug("nonexistent-module")
def test_imports_cleanly(observe):
    """The file imports without torchaudio, torchvision or the snippet's asr_model, and TinyASR(16, 5) builds."""
    error = observe.error("import")
    if raised(error, "ModuleNotFoundError", "'asr_model'"):
        fail("Your file imports asr_model, which does not exist (it is a made-up module in the snippet, not a "
             "package): define the model yourself (TinyASR).", bug="nonexistent-module")
    for name in UNAVAILABLE:
        if raised(error, "ModuleNotFoundError", f"'{name}"):
            fail(f"Your file imports {name}, which is not available here; everything this exercise needs is in "
                 "torch (torch.stft for the features).")
    info = observe("import")
    pulled_in = sorted(set(UNAVAILABLE) & set(info["modules"]))
    assert not pulled_in, (
        f"Importing your file pulled in {' and '.join(pulled_in)}; the exercise must run on torch alone."
    )
    built = observe("model", feat_dim=16, vocab_size=5, batch=3, frames=20)
    assert built["trainable"] > 0, "TinyASR(16, 5) has no trainable parameters."


@pytest.mark.points(10)
def test_model_returns_log_probabilities(observe):
    """TinyASR(feat_dim, vocab_size) maps (B, T, feat_dim) to (B, T, vocab_size) log-probabilities."""
    for case in ({"feat_dim": 16, "vocab_size": 5, "batch": 3, "frames": 20},
                 {"feat_dim": 201, "vocab_size": 29, "batch": 2, "frames": 50}):
        got = observe("model", **case)
        out = got["log_probs"]
        call = f"TinyASR({case['feat_dim']}, {case['vocab_size']})"
        want = (case["batch"], case["frames"], case["vocab_size"])
        if not isinstance(out, np.ndarray):
            fail(f"{call}(feats) should return a tensor, but it returned {describe(out)}.")
        if out.shape != want:
            fail(f"For features of shape {(case['batch'], case['frames'], case['feat_dim'])}, {call} should give "
                 f"log-probabilities of shape {want} (one distribution over the vocabulary per input frame, "
                 f"batch first), but it gave {tuple(out.shape)}.")
        if out.dtype.kind != "f" or not np.isfinite(out).all():
            fail(f"The output of {call} should be finite floats, but it was {describe(out)}.")
        sums = np.exp(out.astype(np.float64)).sum(axis=-1)
        if not np.allclose(sums, 1.0, atol=1e-4):
            fail(f"The output of {call} should be log-probabilities (log_softmax over the vocabulary, so that "
                 f"exp sums to 1 in every frame), but exp of one frame sums to {float(sums.flat[0]):.4g}: "
                 "nn.CTCLoss needs log_softmax outputs.")
        assert got["trainable"] > 0, f"{call} has no trainable parameters."


@pytest.mark.points(10)
def test_train_step_is_one_ctc_step(observe, expected):
    """ctc_train_step takes one nn.CTCLoss step (blank 0, mean reduction) in training mode, returns the loss."""
    error = observe.error("train_step")
    if raised(error, "RuntimeError", "Expected input_lengths to have value at most") or \
            raised(error, "RuntimeError", "input_lengths must be of size batch_size"):
        fail(f"ctc_train_step raised RuntimeError ({error.message}): nn.CTCLoss takes log-probabilities of shape "
             "(T, B, V); transpose the model's (B, T, V) output first.")
    got, want = observe("train_step"), expected("train_step")
    params = got["parameters"]
    if np.array_equal(params, want["initial"]):
        fail("After ctc_train_step the model's parameters had not changed: compute the loss, call "
             "loss.backward(), then optimizer.step().")
    if params.shape == want["eval_mode_step"].shape and np.allclose(params, want["eval_mode_step"], rtol=1e-4,
                                                                      atol=1e-6):
        fail("The parameters moved as in a step taken in eval mode (the model, handed over in eval mode as after "
             "transcribe, has BatchNorm, which then used its running statistics): call model.train() at the "
             "start of ctc_train_step.")
    if params.shape == want["summed_loss_step"].shape and np.allclose(params, want["summed_loss_step"],
                                                                        rtol=1e-4, atol=1e-6):
        fail("The parameters moved as for the summed CTC loss: use nn.CTCLoss's default mean reduction (each "
             "utterance's loss divided by its target length, averaged over the batch).")
    if params.shape != want["parameters"].shape or not np.allclose(params, want["parameters"], rtol=1e-4,
                                                                   atol=1e-6):
        fail("After one ctc_train_step with plain SGD the parameters differ from one step on "
             "nn.CTCLoss(blank=0)(log_probs.transpose(0, 1), targets, feat_lengths, target_lengths): check the "
             "(T, B, V) layout, the lengths, the blank index and the reduction.")
    returned = got["returned"]
    if not isinstance(returned, (int, float)) or isinstance(returned, bool):
        fail(f"ctc_train_step should return the loss as a float, but it returned {describe(returned)}.")
    if not np.isclose(returned, want["returned"], rtol=1e-4, atol=1e-6):
        fail(f"ctc_train_step returned {returned:.4g}, but the CTC loss of the batch before the step was "
             f"{want['returned']:.4g}.")


def _greedy(log_probs, lengths):
    texts = []
    for row, n in zip(log_probs.argmax(axis=-1), lengths, strict=True):
        row = [int(i) for i in row[:int(n)]]
        texts.append([c for i, c in enumerate(row) if c != 0 and (i == 0 or row[i - 1] != c)])
    return texts


@pytest.mark.points(15)
def test_learns_synthetic_ctc_task(observe):
    """TinyASR trained with ctc_train_step (Adam, 120 steps) transcribes held-out utterances (exact match >= 0.9)."""
    got = observe("learn", seed=0)
    log_probs, lengths = got["log_probs"], got["feat_lengths"]
    targets, target_lengths = got["targets"], got["target_lengths"]
    if not isinstance(log_probs, np.ndarray) or log_probs.ndim != 3 or log_probs.shape[:2] != (
            targets.shape[0], int(lengths.max())) or log_probs.shape[2] != 5:
        fail(f"After training, TinyASR(16, 5) should give (B, T, 5) log-probabilities, but it gave "
             f"{describe(log_probs)}.")
    decoded = _greedy(log_probs, lengths)
    wanted = [[int(c) for c in row[:int(n)]] for row, n in zip(targets, target_lengths, strict=True)]
    exact = float(np.mean([a == b for a, b in zip(decoded, wanted, strict=True)]))
    losses = got["losses"]
    shown = ""
    if losses and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in losses):
        shown = (f" The losses your ctc_train_step returned went from {losses[0]:.3g} (first step) to "
                 f"{losses[-1]:.3g} (last step).")
    assert exact >= EXACT_MATCH_TO_REACH, (
        f"After 120 steps of Adam with your ctc_train_step, greedy decoding of TinyASR(16, 5) got "
        f"{exact:.2f} of held-out synthetic utterances exactly right; at least {EXACT_MATCH_TO_REACH} was "
        f"expected.{shown}"
    )
