"""Hidden checks of build_mlp and predict_classes: shapes from the arguments, softmax rows, class ids."""

import numpy as np
import pytest

from grader.checking import describe, fail

PLACEHOLDERS = ("input_shape", "num_classes", "x_train", "y_train", "x_val", "y_val")


def undefined_placeholder(error):
    """The name of one of the snippet's never-defined placeholders that a NameError names, or None."""
    if error is None or error.type != "NameError":
        return None
    return next((name for name in PLACEHOLDERS if f"name '{name}' is not defined" in error.message), None)


def tuple_wrapped(error):
    """Keras refused a shape whose one dimension is itself a tuple: input_shape=(input_shape,) on a tuple."""
    return error is not None and error.type == "ValueError" and "Cannot convert '((" in error.message


@pytest.mark.points(10)
@pytest.mark.bug("undefined-placeholders")
@pytest.mark.bug("input-shape-tuple-wrap")
def test_model_follows_its_arguments(observe):
    """build_mlp((7,), 5) declares input (None, 7) and output (None, 5): every size comes from the arguments."""
    error = observe.error("build", input_shape=[7], num_classes=5)
    name = undefined_placeholder(error)
    if name:
        fail(f"Your file uses {name!r}, which is never defined: the snippet's placeholders must become "
             "arguments (build_mlp(input_shape, num_classes), train(model, x_train, y_train, x_val, y_val)).",
             bug="undefined-placeholders")
    if tuple_wrapped(error):
        fail("build_mlp((7,), 5) failed: input_shape is already a tuple such as (7,), and wrapping it again, "
             "(input_shape,), makes the shape ((7,),), which Keras cannot read.", bug="input-shape-tuple-wrap")
    built = observe("build", input_shape=[7], num_classes=5)
    if built["input_shape"] != [None, 7]:
        fail(f"build_mlp(input_shape=(7,), num_classes=5) should declare model.input_shape = (None, 7), but it "
             f"declared {built['input_shape']}: build the input from the input_shape argument.")
    if built["output_shape"] != [None, 5]:
        fail(f"build_mlp(input_shape=(7,), num_classes=5) should end in 5 outputs, model.output_shape = "
             f"(None, 5), but it declared {built['output_shape']}.")


@pytest.mark.points(5)
def test_outputs_are_probabilities(observe):
    """Each output row is a probability distribution over the classes (a softmax: >= 0, summing to 1)."""
    out = observe("forward")["probabilities"]
    if not isinstance(out, np.ndarray) or out.shape != (12, 3):
        fail(f"build_mlp((20,), 3) called on 12 rows should give a (12, 3) array, but it gave {describe(out)}.")
    values = out.astype(np.float64)
    sums = values.sum(axis=1)
    if not np.isfinite(values).all() or values.min() < -1e-6 or not np.allclose(sums, 1.0, atol=1e-4):
        fail("Each output row should be a probability distribution over the classes (softmax output layer): "
             f"values >= 0 summing to 1, but the rows sum to values in [{sums.min():.4g}, {sums.max():.4g}].")


@pytest.mark.points(5)
def test_predict_classes(observe):
    """predict_classes returns an integer array (N,) holding each row's most probable class."""
    seen = observe("forward")
    classes, probabilities = seen["classes"], seen["probabilities"]
    if classes is None:
        fail(f"predict_classes should return a numpy array of class ids, but it returned a {seen['type']}.")
    if classes.shape != (12,):
        fail(f"For 12 rows predict_classes should return shape (12,), one class id per row, but it returned "
             f"{describe(classes)}.")
    if classes.dtype.kind not in "iu":
        fail(f"predict_classes should return integer class ids, but it returned {describe(classes)}.")
    want = np.argmax(probabilities, axis=1)
    if not np.array_equal(classes, want):
        fail(f"{int((classes != want).sum())} of 12 class ids returned by predict_classes are not the most "
             "probable class of the model's output (argmax over axis 1).")
