"""Public check for gan_image_sampling: Generator() maps noise to images of the default size in [-1, 1]."""

import numpy as np
import pytest

from grader.checking import describe, fail


def expect_images(got, shape, call):
    """The shared judgement of one 'generator' observation."""
    if not got["is_module"]:
        fail(f"{call} should build a torch.nn.Module, but it built a {got['type']}.")
    for key, noise in (("out", "noise"), ("out_far", "noise far from 0 (50 z)")):
        images = got[key]
        if not isinstance(images, np.ndarray) or images.shape != shape:
            fail(f"For 4 noise vectors {call} should return images of shape {shape}, but for {noise} it "
                 f"returned {describe(images)}.")
        values = images.astype(np.float64)
        if not np.isfinite(values).all() or values.min() < -1 - 1e-6 or values.max() > 1 + 1e-6:
            fail(f"The generator's pixels should lie in [-1, 1] for any noise (end with nn.Tanh()), but for "
                 f"{noise} {call} returned {describe(images)}.")


@pytest.mark.points(5)
def test_generator_default_shape(observe):
    """Generator() maps noise of shape (B, 128) to images of shape (B, 3, 32, 32) in [-1, 1]."""
    expect_images(observe("generator", latent_dim=None, channels=None, img_size=None), (4, 3, 32, 32),
                  "Generator()")
