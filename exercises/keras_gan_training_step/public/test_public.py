"""Public check: the three models build and have the right output shapes and ranges (students see this)."""

import numpy as np
import pytest

from grader.checking import describe, fail


def _range(out, shape, low, high, what, activation):
    if not isinstance(out, np.ndarray) or out.shape != shape:
        fail(f"{what} should have shape {shape}, but it was {describe(out)}.")
    values = out.astype(np.float64)
    if not np.isfinite(values).all() or values.min() < low - 1e-6 or values.max() > high + 1e-6:
        fail(f"{what} should lie in [{low}, {high}] ({activation} output), but it was {describe(out)}.")


@pytest.mark.points(10)
@pytest.mark.bug("leakyrelu-not-imported")
@pytest.mark.bug("numpy-not-imported")
def test_models_build(observe):
    """build_generator(100, (28, 28, 1)), build_discriminator((28, 28, 1)) and build_gan build and run."""
    error = observe.error("build", latent_dim=100, img_shape=[28, 28, 1])
    if error is not None and error.type == "NameError" and "'LeakyReLU'" in error.message:
        fail("LeakyReLU is used but never imported: from keras.layers import LeakyReLU (or write "
             "keras.layers.LeakyReLU).", bug="leakyrelu-not-imported")
    if error is not None and error.type == "NameError" and "name 'np' is not defined" in error.message:
        fail("np is used but numpy is never imported: add import numpy as np.", bug="numpy-not-imported")
    seen = observe("build", latent_dim=100, img_shape=[28, 28, 1])
    _range(seen["generated"], (4, 28, 28, 1), -1, 1, "The generator's images for 4 noise vectors", "tanh")
    _range(seen["judged"], (4, 1), 0, 1, "The discriminator's output for 4 images", "sigmoid")
    _range(seen["combined"], (4, 1), 0, 1, "The combined model's output for 4 noise vectors", "sigmoid")
