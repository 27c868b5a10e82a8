"""Hidden check: the builders follow their arguments."""

import numpy as np
import pytest

from grader.checking import describe, fail


@pytest.mark.points(5)
def test_models_follow_their_arguments(observe):
    """build_generator(16, (16, 16, 1)) and build_discriminator((16, 16, 1)) follow their arguments."""
    seen = observe("build", latent_dim=16, img_shape=[16, 16, 1])
    generated, judged = seen["generated"], seen["judged"]
    if not isinstance(generated, np.ndarray) or generated.shape != (4, 16, 16, 1):
        fail("build_generator(latent_dim=16, img_shape=(16, 16, 1)) should turn 4 noise vectors of size 16 into "
             f"4 images of shape (16, 16, 1), but it gave {describe(generated)}.")
    if not isinstance(judged, np.ndarray) or judged.shape != (4, 1):
        fail("build_discriminator(img_shape=(16, 16, 1)) should give one probability per 16x16 image, shape "
             f"(4, 1), but it gave {describe(judged)}.")
