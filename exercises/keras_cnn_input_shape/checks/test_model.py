"""Hidden checks of create_model: declared shapes, trainability, softmax output, loss.

``input-shape-mismatch`` is named only on its symptom: a model declared for an
input that fits neither the requested shape nor the exercise's 28x28x1 patches
(the snippet's hard-wired 224x224x3), or model.fit stopping because the
model's first layer rejects a batch of 28x28x1 patches. A model that ignores
input_shape but is built for the default patches, a wrong output size, a
non-finite loss or any other error fails without naming it.
"""

import math
import re

import numpy as np
import pytest

from grader.checking import describe, fail, raised

PATCHES = [28, 28, 1]


def _without_unit_channel(shape):
    shape = list(shape)
    return shape[:-1] if shape and shape[-1] == 1 else shape


def _foreign(declared, data_shape):
    """Whether a declared input (with its batch axis) is built for other data than ``data_shape``.

    Only the form of a single channel axis is forgiven: Keras feeds (N, 28, 28, 1) patches to a model
    declared for (28, 28), so that is a contract slip, not a model built for other data.
    """
    if not isinstance(declared, list):
        return False  # nothing readable was declared: no evidence either way
    return _without_unit_channel(declared[1:]) != _without_unit_channel(data_shape)

OTHER_SHAPES = [([32, 32, 1], 5), ([28, 36, 1], 3)]


def _show(shape):
    return str(tuple(shape)) if isinstance(shape, list) else str(shape)


@pytest.mark.points(8)
@pytest.mark.bug("input-shape-mismatch")
def test_model_follows_requested_shape(observe):
    """create_model(input_shape, num_classes) builds for exactly that shape and class count."""
    for input_shape, num_classes in OTHER_SHAPES:
        built = observe("build", input_shape=input_shape, num_classes=num_classes)
        declared = built["input_shape"]
        if declared != [None, *input_shape]:
            still = " still" if declared == [None, *PATCHES] else ""
            message = ("create_model must build its input from the input_shape argument: asked for a shape "
                       f"other than the default, the model{still} declared model.input_shape = {_show(declared)}")
            if _foreign(declared, input_shape) and _foreign(declared, PATCHES):
                fail(f"{message}, which fits neither the requested shape nor the 28x28 single-channel patches.",
                     bug="input-shape-mismatch")
            fail(f"{message}.")
        if built["output_shape"] != [None, num_classes]:
            fail(
                "create_model must end in num_classes outputs: asked for a class count other than the "
                f"default, the model declared model.output_shape = {_show(built['output_shape'])}."
            )


@pytest.mark.points(10)
@pytest.mark.bug("input-shape-mismatch")
def test_model_fits_28x28_patches(observe):
    """model.fit works on a batch of preprocessed 28x28x1 patches with integer labels."""
    error = observe.error("fit")
    # Keras names the layer that rejected the batch and the batch's shape: if that is the raw batch of
    # 28x28x1 patches, the model's input does not match the data.
    if raised(error, "ValueError", "incompatible", "28, 28, 1)"):
        found = re.search(r"(expected [^\n]*?), but received input with shape \([^)]*\)", error.message)
        detail = f" (Keras: {found.group(0)})" if found else ""
        fail("model.fit could not take a batch of 28x28x1 patches: the model's first layer is built for "
             f"inputs of another shape{detail}. Build the input from the input_shape argument.",
             bug="input-shape-mismatch")
    history = observe("fit")
    losses = history["loss"]
    if not losses:
        fail("model.fit on 28x28x1 patches recorded no training loss; is the model compiled?")
    if not all(math.isfinite(v) for v in losses):
        fail(f"model.fit on 28x28x1 patches gave a non-finite training loss ({losses[-1]}).")


@pytest.mark.points(8)
def test_outputs_are_probabilities(observe):
    """The model's output rows are probabilities over the classes (softmax: >= 0, summing to 1)."""
    for input_shape, num_classes in [([28, 28, 1], 10), ([28, 28, 1], 5)]:
        out = observe("forward", input_shape=input_shape, num_classes=num_classes)
        if not isinstance(out, np.ndarray) or out.ndim != 2 or out.shape[1] != num_classes:
            fail(
                "model.predict on a batch of patches should give one row of num_classes probabilities per "
                f"patch, but it gave {describe(out)}."
            )
        values = out.astype(np.float64)
        if not np.isfinite(values).all():
            fail("The model's outputs contain nan or inf values.")
        sums = values.sum(axis=1)
        if values.min() < -1e-6 or not np.allclose(sums, 1.0, atol=1e-4):
            fail(
                "Each output row should be a probability distribution over the classes (a softmax output "
                f"layer): values >= 0 summing to 1, but your rows sum to values in "
                f"[{sums.min():.4g}, {sums.max():.4g}] and the smallest value is {values.min():.4g}."
            )


@pytest.mark.points(6)
def test_loss_is_sparse_categorical_crossentropy(observe):
    """The model is compiled with sparse categorical cross-entropy on probabilities."""
    seen = observe("loss")
    if not seen["compiled"]:
        fail("create_model should return a compiled model (model.compile(...)), but the model has no loss.")
    if seen["error"] is not None:
        fail(
            "The compiled loss should take integer class labels and rows of class probabilities "
            f"(sparse categorical cross-entropy), but evaluating it raised {seen['error']}."
        )
    probabilities = seen["probabilities"].astype(np.float64)
    labels = seen["labels"].astype(int)
    per_example = -np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0))
    value = seen["value"]
    if not any(math.isclose(value, want, rel_tol=1e-4, abs_tol=1e-5)
               for want in (per_example.mean(), per_example.sum())):
        fail(
            "The compiled loss should be sparse categorical cross-entropy on the softmax probabilities "
            "(-log of the probability given to the true class, from_logits=False), but on rows of "
            f"probabilities it gives {value:.4g} instead of {per_example.mean():.4g}."
        )
