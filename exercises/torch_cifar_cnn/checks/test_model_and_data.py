"""Hidden checks: the file runs, the model's shapes, first_batch.

A known bug is named only on its symptom, which here is what the student's
code raised: the compiler's "Missing parentheses in call to 'print'" for
``py2-print`` (the file does not compile), a NameError for ``imshow`` for
``imshow-undefined``, an AttributeError for ``next`` on a DataLoader iterator
for ``dataiter-next-removed``, and a layer that finds its input map too small
("Output size is too small", "Kernel size can't be greater than actual input
size") for ``v2-shape-collapse``. Every other error or wrong value fails
without naming a bug (e.g. a missing torchvision, or a Linear layer of the
wrong width, "mat1 and mat2 shapes cannot be multiplied").
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

PLOTTING_OR_DOWNLOADS = ("torchvision", "matplotlib")
IMSHOW_MESSAGE = ("imshow is not defined: it is a helper of the PyTorch tutorial, not a built-in, and plotting "
                  "needs matplotlib and a display anyway. Show nothing; return the tensors.")


def _shape_collapse(error):
    """Whether a forward pass stopped because a layer's input map had shrunk to (almost) nothing."""
    return (raised(error, "RuntimeError", "Output size is too small")
            or raised(error, "RuntimeError", "Kernel size can't be greater than actual input size"))


SHAPE_COLLAPSE_MESSAGE = ("{call} raised RuntimeError: a layer got a feature map too small for it ({detail}). "
                          "Track the spatial size through every conv and pool layer: after two blocks of "
                          "Conv2d(kernel 5) + MaxPool2d(2) a 32x32 image is already 5x5.")


@pytest.mark.points(10)
@pytest.mark.bug("py2-print")
@pytest.mark.bug("imshow-undefined")
def test_file_runs_under_python3(observe):
    """The file imports under Python 3 without torchvision or matplotlib, and build_cnn() builds a model."""
    error = observe.error("import")
    if raised(error, "SyntaxError", "Missing parentheses in call to 'print'"):
        fail(f"Your file does not compile under Python 3: {error.message}. `print x` is Python 2 syntax; "
             "write print(x), or print nothing.", bug="py2-print")
    if raised(error, "NameError", "'imshow'") or raised(observe.error("build"), "NameError", "'imshow'"):
        fail(IMSHOW_MESSAGE, bug="imshow-undefined")
    info = observe("import")
    pulled_in = sorted(set(PLOTTING_OR_DOWNLOADS) & set(info["modules"]))
    assert not pulled_in, (
        f"Importing your file pulled in {' and '.join(pulled_in)}; the exercise must run without them "
        f"(no dataset downloads, no display): work on the tensors you are given and show nothing."
    )
    built = observe("build")
    assert built["is_module"], (
        f"build_cnn() should return a torch.nn.Module, but it returned a {built['type']}."
    )
    assert built["parameters"] > 0, "build_cnn() returned a model without any trainable parameters."


def _expect_logits(out, n, num_classes):
    call = "build_cnn()" if num_classes is None else f"build_cnn(num_classes={num_classes})"
    want = (n, 10 if num_classes is None else num_classes)
    if not isinstance(out, np.ndarray):
        fail(f"{call}(images) should return a tensor of logits, but it returned {describe(out)}.")
    if out.shape != want:
        fail(f"For a batch of {n} images of shape (3, 32, 32), {call} should give logits of shape "
             f"{want}, but it gave shape {tuple(out.shape)}.")
    if out.dtype.kind != "f" or not np.isfinite(out).all():
        fail(f"The logits of {call} should be finite floats, but they were {describe(out)}.")
    if out.min() >= 0 and np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
        fail(f"{call} returns probabilities (every row is non-negative and sums to 1), not logits: end the "
             "model with a Linear layer and no Softmax. nn.CrossEntropyLoss applies log-softmax itself, "
             "and a softmax before it squashes the gradients.")


@pytest.mark.points(5)
@pytest.mark.bug("v2-shape-collapse")
def test_forward_other_batch_size(observe):
    """build_cnn() gives (N, 10) finite logits for another batch size."""
    error = observe.error("forward", n=5, num_classes=None)
    if _shape_collapse(error):
        fail(SHAPE_COLLAPSE_MESSAGE.format(call="build_cnn()(images)", detail=error.message),
             bug="v2-shape-collapse")
    _expect_logits(observe("forward", n=5, num_classes=None), 5, None)


@pytest.mark.points(5)
def test_forward_num_classes(observe):
    """build_cnn(num_classes=k) gives one logit per class."""
    _expect_logits(observe("forward", n=3, num_classes=3), 3, 3)


@pytest.mark.points(15)
@pytest.mark.bug("dataiter-next-removed")
@pytest.mark.bug("imshow-undefined")
def test_first_batch(observe, expected):
    """first_batch returns the loader's first (images, labels) batch."""
    error = observe.error("first_batch")  # the import's own error when the file could not be imported
    if raised(error, "AttributeError", "DataLoaderIter' object has no attribute 'next'"):
        fail("DataLoader iterators have no .next() method (that is Python 2's iterator protocol): use the "
             "built-in, next(iter(loader)).", bug="dataiter-next-removed")
    if raised(error, "NameError", "'imshow'"):
        fail(IMSHOW_MESSAGE, bug="imshow-undefined")
    got, want = observe("first_batch"), expected("first_batch")
    for key, what in (("images", "images"), ("labels", "labels")):
        value, reference = got[key], want[key]
        if not isinstance(value, np.ndarray):
            fail(f"first_batch should return a tensor of {what} first, but it returned {describe(value)}.")
        if value.shape != reference.shape:
            fail(f"The {what} of the first batch of a loader with batch_size=4 should have shape "
                 f"{tuple(reference.shape)}, but first_batch returned shape {tuple(value.shape)}.")
        if not np.array_equal(value, reference):
            fail(f"The {what} returned by first_batch are not those of the loader's first batch "
                 f"(the first samples of an unshuffled loader, in order).")
