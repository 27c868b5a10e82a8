"""Hidden checks of train: integer and one-hot labels, validation metrics, the arguments, and learning.

Learning task: three Gaussian blobs in 20 dimensions (unit noise, centres drawn
from N(0, 1.5^2 I), so about 9 sigma apart), 300 training and 150 validation rows,
build_mlp((20,), 3) with the default width, 5 epochs of batch 32.

Measured over 20 seeds (the ``learn`` probe with seed 0..19, scratch script), validation accuracy,
threshold 0.9:
  reference (Sequential, Dense 512, categorical CE, Adam)           min 0.980
  sparse categorical CE, one-hot rows turned into ids              min 0.980
  functional, two hidden layers, dropout, AdamW                    min 0.980
  input_shape= on the first layer, tf.keras.utils.to_categorical   min 0.980
  he_normal init, Adam(2e-3), predict_on_batch                     min 0.973
  => margin 0.073 on 100 runs. (Blob centres drawn with sigma 1.0 instead of 1.5 gave min 0.933.)
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail

THRESHOLD = 0.9
PLACEHOLDERS = ("input_shape", "num_classes", "x_train", "y_train", "x_val", "y_val")


def _accuracy(probabilities, labels, what):
    if not isinstance(probabilities, np.ndarray) or probabilities.ndim != 2 or len(probabilities) != len(labels):
        fail(f"{what}, the model should give one row of class probabilities per example, but it gave "
             f"{describe(probabilities)}.")
    return float((probabilities.argmax(axis=1) == labels).mean())


def _raised(observe, labels, shape):
    """Fail with what train raised on these labels, said as what was expected and what happened."""
    error = observe.error("fit", labels=labels)
    if error is not None and observe.error("import") is None:  # an import failure is reported once, elsewhere
        fail(f"train should accept {shape}, but with such labels it raised {error.type}: {error.message}")


def _trained(seen, labels):
    history = seen["history"]
    if history is None:
        fail(f"train should return the keras History of model.fit, but it returned a {seen['history_type']}.")
    losses = history.get("loss")
    if not losses or not all(isinstance(v, float) and math.isfinite(v) for v in losses):
        fail(f"train with {labels} labels should record a finite training loss for every epoch, but the History "
             f"holds loss = {describe(losses)}.")


@pytest.mark.points(20)
@pytest.mark.bug("categorical-ce-needs-onehot")
def test_trains_with_integer_labels(observe):
    """train accepts integer class ids (shape (N,)) as labels."""
    error = observe.error("fit", labels="int")
    if error is not None and error.type == "ValueError" and "must have the same rank" in error.message:
        fail("Training with integer class ids (shape (N,)) failed: categorical cross-entropy compares the "
             "output rows with one-hot target rows, and got a 1-D array of ids. Turn ids into one-hot rows "
             "(keras.utils.to_categorical) or use sparse categorical cross-entropy.",
             bug="categorical-ce-needs-onehot")
    _raised(observe, "int", "integer class ids of shape (N,)")
    _trained(observe("fit", labels="int"), "integer")


@pytest.mark.points(10)
def test_trains_with_one_hot_labels(observe):
    """train accepts one-hot label rows (shape (N, C)) as labels."""
    _raised(observe, "onehot", "one-hot label rows of shape (N, num_classes)")
    _trained(observe("fit", labels="onehot"), "one-hot")


@pytest.mark.points(10)
@pytest.mark.bug("undefined-placeholders")
def test_train_follows_its_arguments(observe):
    """train fits the given model on the given arrays: epochs, batch_size, and metrics on x_val / y_val."""
    error = observe.error("fit", labels="onehot")
    if error is not None and error.type == "NameError":
        name = next((n for n in PLACEHOLDERS if f"name '{n}' is not defined" in error.message), None)
        if name:
            fail(f"Your file uses {name!r}, which is never defined: everything train and build_mlp use must "
                 "come from their arguments.", bug="undefined-placeholders")
    seen = observe("fit", labels="onehot")
    _trained(seen, "one-hot")
    steps, want = seen["iterations"], seen["expected_iterations"]
    if steps is None:
        fail("The model passed to train has no optimizer after training: is build_mlp's model compiled?")
    if steps != want:
        fail(f"train should train the model it is given with the epochs and batch_size arguments ({want} "
             f"optimizer steps in the graded run), but the model's optimizer made {steps} steps.")
    history = seen["history"]
    for key in ("val_loss", "val_accuracy"):
        values = history.get(key)
        if not values or len(values) != seen["epochs"]:
            fail(f"The History returned by train should hold {key!r} for each of the {seen['epochs']} epochs "
                 f"(pass validation_data=(x_val, y_val) and metrics=['accuracy']), but its keys are "
                 f"{sorted(history)}.")
    labels = seen["y_val"].astype(int)
    accuracy = _accuracy(seen["val_probabilities"], labels, "On the validation rows")
    reported = history["val_accuracy"][-1]
    if abs(reported - accuracy) > 0.5 / len(labels) + 1e-6:
        fail(f"The last val_accuracy in the History ({reported:.4g}) is not the accuracy of the trained model "
             f"on x_val / y_val ({accuracy:.4g}): validate on the arrays passed to train (validation_data=).")
    loss = _cross_entropy_unless(history["val_loss"][-1], seen["val_probabilities"], labels)
    if loss is not None:
        fail(f"The last val_loss in the History ({history['val_loss'][-1]:.4g}) is not the cross-entropy of the "
             f"trained model on x_val / y_val ({loss:.4g}): validate on the arrays passed to train "
             "(validation_data=).")
    # Those validation labels are random, which hides label smoothing; a confident model on true labels shows it.
    if observe.error("learn", seed=0) is None:
        learned = observe("learn", seed=0)
        val_losses = (learned.get("history") or {}).get("val_loss")
        if val_losses and isinstance(learned["val_probabilities"], np.ndarray):
            loss = _cross_entropy_unless(val_losses[-1], learned["val_probabilities"], learned["y_val"])
            if loss is not None:
                fail(f"After training on three well separated blobs, the last val_loss in the History "
                     f"({val_losses[-1]:.4g}) is not the plain cross-entropy of the trained model on x_val / y_val "
                     f"({loss:.4g}): compile with the plain cross-entropy loss, without label_smoothing.")


def _cross_entropy_unless(reported, probabilities, labels):
    """The cross-entropy of ``probabilities`` on ``labels``, or None if ``reported`` agrees with it."""
    picked = probabilities.astype(np.float64)[np.arange(len(labels)), labels]
    # Keras clips probabilities at 1e-7, except when it can use the softmax layer's logits: accept either.
    losses = [float(-np.log(np.clip(picked, low, 1.0)).mean()) for low in (1e-7, 1e-30)]
    if any(math.isclose(reported, v, rel_tol=0.05, abs_tol=0.02) for v in losses):
        return None
    return losses[0]


@pytest.mark.points(25)
def test_learns_gaussian_blobs(observe):
    """build_mlp + train (5 epochs) separate three Gaussian blobs to >= 90% validation accuracy."""
    seen = observe("learn", seed=0)
    accuracy = _accuracy(seen["val_probabilities"], seen["y_val"], "After training on three blobs")
    if accuracy < THRESHOLD:
        fail(f"After train (5 epochs on three well separated Gaussian blobs in 20 dimensions, one-hot labels), "
             f"the model classified {accuracy:.0%} of the validation rows correctly; at least "
             f"{THRESHOLD:.0%} is expected.")
