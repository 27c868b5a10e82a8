"""Hidden checks of KeywordCNN: spectrograms of any size, built from scratch, learns synthetic keywords.

Known bugs are named only on their symptom:
- hardcoded-flatten-24x24: the class works on one size (24x24 like the
  snippet, or any other), but its first Linear layer rejects the flattened map
  of another size ("mat1 and mat2 shapes cannot be multiplied", or the
  "shape '[-1, N]' is invalid" of a fixed x.view(-1, N)), and the model has
  the same number of parameters whatever size it is built for: its flatten
  size is a constant. A flatten size computed from n_mels and n_frames with a
  wrong formula (ceil instead of floor, one pooling forgotten) gives another
  parameter count for every size and names no bug;
- not-a-transformer: building the model tried to load a checkpoint or download
  weights (a call of torch.load / torch.hub was seen, or it raised
  FileNotFoundError or a network error). The snippet's comment promises "a
  pre-trained Transformer", but there is none: the CNN is trained from scratch.

Learning threshold (``ACCURACY_TO_REACH`` = 0.9), measured with the probe
``learn`` on seeds 0-19 (scratch script calling the probe function directly;
the seed moves the data, the initialisation and the batch order): the
reference solution (flatten head sized from n_mels and n_frames) and the four
correct variants of tests/submissions (global average pooling with BatchNorm,
a dummy-forward flatten size with Dropout, three conv blocks with ceil-mode
pooling and adaptive max pooling, unpadded convolutions with adaptive average
pooling) all reached a held-out accuracy of 1.00 on every seed, and so did a
deliberately tiny model (8 and 16 channels, global average pooling, no
BatchNorm), the slowest learner found (on a trial version of the task with
half the keyword amplitude and 6 epochs it fell to 0.61 on one seed). An untrained model scores about 0.25; a loop
without zero_grad reached 0.62 on seed 0.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

ACCURACY_TO_REACH = 0.9
CASE_24 = {"n_mels": 24, "n_frames": 24, "num_classes": 10, "batch": 2}
OTHER_SIZES = [
    {"n_mels": 28, "n_frames": 28, "num_classes": 10, "batch": 3},
    CASE_24,
    {"n_mels": 9, "n_frames": 13, "num_classes": 3, "batch": 2},
    {"n_mels": 64, "n_frames": 48, "num_classes": 12, "batch": 2},
]
NETWORK_ERRORS = ("URLError", "HTTPError", "ConnectionError", "ConnectionRefusedError", "gaierror",
                  "TimeoutError", "timeout", "SSLError")


def _call(case):
    return f"KeywordCNN({case['n_mels']}, {case['n_frames']}, {case['num_classes']})"


PUBLIC_SIZES = [{"n_mels": 40, "n_frames": 101}, {"n_mels": 24, "n_frames": 24}]
FLATTEN_ERRORS = ("mat1 and mat2 shapes cannot be multiplied", "is invalid for input of size")


def _size(case):
    return f"{case['n_mels']}x{case['n_frames']}"


def _flatten_error(error):
    """Whether the forward pass stopped where a flattened map meets a Linear layer (or a fixed view)."""
    return any(raised(error, "RuntimeError", fragment) for fragment in FLATTEN_ERRORS)


def _parameter_count(observe, name, case):
    """The model's parameter count built for this size, or None (lazy parameters, or it raised)."""
    size = {"n_mels": case["n_mels"], "n_frames": case["n_frames"]}
    return None if observe.error(name, **size) is not None else observe(name, **size)


def _working_size_like(observe, count):
    """A size (24x24 first) on which the same model class works and has ``count`` parameters, or None."""
    candidates = [(c, "forward", "parameters") for c in OTHER_SIZES if c is CASE_24]
    candidates += [(c, "forward_public", "parameters_public") for c in PUBLIC_SIZES]
    candidates += [(c, "forward", "parameters") for c in OTHER_SIZES if c is not CASE_24]
    for case, forward, parameters in candidates:
        if observe.error(forward, **case) is None and _parameter_count(observe, parameters, case) == count:
            return case
    return None


@pytest.mark.points(15)
@pytest.mark.bug("hardcoded-flatten-24x24")
def test_forward_any_size(observe):
    """KeywordCNN(n_mels, n_frames, k) gives finite (B, k) logits for 28x28, 24x24, 9x13 and 64x48 spectrograms."""
    outputs = []
    for case in OTHER_SIZES:
        shape = (case["batch"], 1, case["n_mels"], case["n_frames"])
        error = observe.error("forward", **case)
        if _flatten_error(error):
            count = _parameter_count(observe, "parameters", case)
            works = _working_size_like(observe, count) if count is not None else None
            if works is not None:
                fail(f"{_call(case)} raised RuntimeError on a batch of shape {shape} ({error.message}), although "
                     f"the same class works on {_size(works)} spectrograms and has the same number of parameters "
                     "whatever size it is built for: the first Linear layer's input size is a constant (like the "
                     "snippet's Linear(64 * 6 * 6, ...) for 24x24 inputs). Compute it from n_mels and n_frames, or "
                     "end the conv part with nn.AdaptiveAvgPool2d.", bug="hardcoded-flatten-24x24")
            fail(f"{_call(case)} raised RuntimeError on a batch of shape {shape} ({error.message}): the first "
                 "Linear layer's input size (or the size you flatten to) does not match the flattened feature map. "
                 "Follow the size through every conv and pooling layer (MaxPool2d rounds down), or use a dummy "
                 "forward pass, x.flatten(1), or nn.AdaptiveAvgPool2d.")
        out = observe("forward", **case)
        want = (case["batch"], case["num_classes"])
        if not isinstance(out, np.ndarray):
            fail(f"{_call(case)}(x) should return a tensor of logits, but it returned {describe(out)}.")
        if out.shape != want:
            fail(f"For a batch of shape {shape}, {_call(case)} should give logits of shape {want}, but it gave "
                 f"shape {tuple(out.shape)}.")
        if out.dtype.kind != "f" or not np.isfinite(out).all():
            fail(f"The logits of {_call(case)} should be finite floats, but they were {describe(out)}.")
        outputs.append(out.astype(np.float64))
    if all((out >= 0).all() and np.allclose(out.sum(axis=1), 1.0, atol=1e-4) for out in outputs):
        fail("KeywordCNN returns probabilities (every row is non-negative and sums to 1), not logits: remove the "
             "final softmax. nn.CrossEntropyLoss applies log-softmax itself, so a softmax in the model squashes "
             "the gradients; take softmax only where probabilities are needed.")


def _tried_to_load(error):
    if error is None:
        return False
    if error.type == "FileNotFoundError" or error.type in NETWORK_ERRORS:
        return True
    return error.type == "OSError" and any(s in error.message for s in ("connect", "No such file", "pretrained"))


@pytest.mark.points(10)
@pytest.mark.bug("not-a-transformer")
def test_built_from_scratch(observe):
    """KeywordCNN builds offline, loads no checkpoint or pretrained weights, and has trainable parameters."""
    error = observe.error("build")
    if _tried_to_load(error):
        fail(f"Building KeywordCNN(40, 101, 4) tried to load weights and raised {error.type} ({error.message}). "
             "There is no pre-trained model to load (the snippet's comment about a pre-trained Transformer is "
             "wrong): build the CNN and train it from scratch.", bug="not-a-transformer")
    built = observe("build")
    if built["loader_calls"]:
        fail(f"Building KeywordCNN called {', '.join(built['loader_calls'])}: the model must be built from "
             "scratch, without loading a checkpoint or downloading weights.", bug="not-a-transformer")
    assert built["is_module"], f"KeywordCNN(40, 101, 4) should be a torch.nn.Module, but it is a {built['type']}."
    assert built["trainable"] > 0 or built.get("lazy", 0) > 0, (
        "KeywordCNN(40, 101, 4) has no trainable parameters, so it cannot learn.")


@pytest.mark.points(20)
def test_learns_synthetic_keywords(observe):
    """KeywordCNN trained with train_epoch (Adam, 8 short epochs) tells 4 synthetic keywords apart (accuracy >= 0.9)."""
    got = observe("learn", seed=0)
    logits, labels = got["logits"], got["labels"]
    if not isinstance(logits, np.ndarray) or logits.shape != (labels.shape[0], 4):
        fail(f"After training, KeywordCNN(16, 28, 4) should give one logit per keyword, but it gave "
             f"{describe(logits)}.")
    accuracy = float((logits.argmax(axis=1) == labels).mean())
    losses = got["losses"]
    shown = ""
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in losses):
        shown = f" The epoch losses your train_epoch returned: {', '.join(f'{x:.3g}' for x in losses)}."
    assert accuracy >= ACCURACY_TO_REACH, (
        f"After 8 epochs of Adam with your train_epoch, KeywordCNN(16, 28, 4) classified {accuracy:.2f} of "
        f"held-out synthetic keyword spectrograms right; at least {ACCURACY_TO_REACH} was expected.{shown}"
    )
