"""Public check for torch_gan_train_step: the default models map image batches to images and probabilities."""

import math
import re

import numpy as np
import pytest

from grader.checking import describe, fail, raised

SHAPE = (1, 28, 28)
BATCH = 5


def _where(error):
    """ " (line N of your file)" from a recorded error's message, or ""."""
    match = re.search(r"\((line \d+ of your file|notebook cell [^)]*)\)$", error.message)
    return f" ({match.group(1)})" if match else ""


def _recognise_shape_bugs(error, shape, batches):
    """Name a known bug when the builders or the forward pass raised its typical error."""
    if raised(error, "TypeError", "tuple of ints"):
        fail(f"Building or running the models for img_shape={shape} raised TypeError{_where(error)}: a layer "
             f"got the shape tuple where it needs a number (\"must be tuple of ints\"). nn.Linear needs the "
             f"number of pixels, math.prod(img_shape).", bug="img-shape-int-vs-tuple")
    if raised(error, "RuntimeError", "mat1 and mat2 shapes cannot be multiplied"):
        match = re.search(r"\((\d+)x(\d+) and", error.message)
        if match:
            rows, cols = int(match.group(1)), int(match.group(2))
            per_image = math.prod(shape[:-1])
            if cols == shape[-1] and any(rows == b * per_image for b in batches):
                fail(f"The discriminator's first nn.Linear received image batches of shape "
                     f"(B, {', '.join(map(str, shape))}) as they are{_where(error)}, so it multiplied only the "
                     f"last axis ({shape[-1]} values) instead of all {math.prod(shape)} pixels: flatten the "
                     f"images first (nn.Flatten()).", bug="unflattened-images")


def expect_models(got, shape, z_dim_text):
    """The shared judgement of one 'models' observation (G images in [-1, 1], D probabilities)."""
    for key, what in (("g_is_module", "build_generator"), ("d_is_module", "build_discriminator")):
        if not got[key]:
            kind = got["g_type" if key == "g_is_module" else "d_type"]
            fail(f"{what} should return a torch.nn.Module, but it returned a {kind}.")
    images = got["g_out"]
    want = (BATCH, *shape)
    if not isinstance(images, np.ndarray):
        fail(f"The generator should return a tensor of images, but it returned {describe(images)}.")
    if images.shape != want:
        if images.shape == (BATCH, math.prod(shape)):
            fail(f"For noise of shape ({BATCH}, {z_dim_text}) the generator returned flat vectors of shape "
                 f"{images.shape}; images of shape {want} were expected: reshape its output to "
                 f"(B, *img_shape) (nn.Unflatten(1, img_shape)).", bug="unflattened-images")
        fail(f"For noise of shape ({BATCH}, {z_dim_text}) the generator should return images of shape {want}, "
             f"but it returned shape {images.shape}.")
    for key, noise in (("g_out", "noise"), ("g_out_far", "noise far from 0 (50 z)")):
        values = np.asarray(got[key], dtype=np.float64)
        if not np.isfinite(values).all() or values.min() < -1 - 1e-6 or values.max() > 1 + 1e-6:
            fail(f"The generator's pixels should lie in [-1, 1] like the real images for any noise (end "
                 f"with nn.Tanh()), but for {noise} they were {describe(got[key])}.")
    for key, what in (("d_real", "real images"), ("d_fake", "generated images")):
        out = got[key]
        if not isinstance(out, np.ndarray) or out.shape != (BATCH, 1):
            fail(f"For {BATCH} {what} the discriminator should return probabilities of shape ({BATCH}, 1), "
                 f"but it returned {describe(out)}.")
        values = out.astype(np.float64)
        if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
            fail(f"The discriminator should return probabilities in [0, 1] (end with nn.Sigmoid()), but for "
                 f"{what} it returned {describe(out)}.")


@pytest.mark.points(10)
@pytest.mark.bug("unflattened-images")
@pytest.mark.bug("img-shape-int-vs-tuple")
def test_default_shapes(observe):
    """build_generator(16) makes (B, 1, 28, 28) images in [-1, 1]; build_discriminator() gives (B, 1) probabilities."""
    _recognise_shape_bugs(observe.error("models", img_shape=None), SHAPE, (BATCH,))
    expect_models(observe("models", img_shape=None), SHAPE, "16")
