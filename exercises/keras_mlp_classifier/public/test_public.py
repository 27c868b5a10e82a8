"""Public check: the model's declared shapes for a tuple input_shape (students see this in full)."""

import pytest

from grader.checking import fail


@pytest.mark.points(15)
@pytest.mark.bug("input-shape-tuple-wrap")
def test_model_shapes(observe):
    """build_mlp((20,), 3) declares input (None, 20) and output (None, 3) and is compiled."""
    error = observe.error("build", input_shape=[20], num_classes=3)
    if error is not None and error.type == "ValueError" and "Cannot convert '((" in error.message:
        fail("build_mlp((20,), 3) failed: input_shape is already a tuple such as (20,), and wrapping it "
             "again, (input_shape,), makes the shape ((20,),), which Keras cannot read. Pass it as it is: "
             "keras.Input(shape=input_shape).", bug="input-shape-tuple-wrap")
    built = observe("build", input_shape=[20], num_classes=3)
    if built["input_shape"] != [None, 20]:
        fail(f"build_mlp((20,), 3) should declare model.input_shape = (None, 20), but it declared "
             f"{built['input_shape']}.")
    if built["output_shape"] != [None, 3]:
        fail(f"build_mlp((20,), 3) should declare model.output_shape = (None, 3), but it declared "
             f"{built['output_shape']}.")
    if not built["compiled"]:
        fail("build_mlp should return a compiled model (model.compile(...) with a loss), but it has no loss.")
