"""Hidden checks of sample_images: device, the generator's own call, eval mode without autograd, seeds.

The spy generator (probes.py) records every call. Only properties are judged:
the images returned are the ones the generator made, the same seed gives the
same images, other seeds and seed=None give new ones, the noise looks like
N(0, 1). Over the 3200 noise values of the 'noise' probe one standard error is
about 0.018 for the mean and 0.013 for the standard deviation. Measured with
20 seeds (scratch script, the reference and the four correct test
submissions): mean in [-0.037, 0.024], standard deviation in [0.974, 1.028],
against bounds of +-0.2 and [0.85, 1.15]; torch.rand (mean 0.5, std 0.29) is
far outside.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

MEAN_BOUND = 0.2
STD_BOUNDS = (0.85, 1.15)
CUDA_SYMPTOMS = (
    ("HardcodedDeviceError",),
    ("AssertionError", "Torch not compiled with CUDA enabled"),
    ("RuntimeError", "Expected all tensors to be on the same device"),
)


def _images(returned, shape, what):
    if returned["type"] != "Tensor":
        fail(f"{what} should return a tensor of images, but it returned a {returned['type']}.")
    images = returned["array"]
    if images.shape != tuple(shape):
        fail(f"{what} should return images of shape {tuple(shape)}, but it returned shape {images.shape}.")
    return images


@pytest.mark.points(15)
@pytest.mark.bug("hardcoded-cuda")
def test_sampling_on_a_cpu_generator_with_a_gpu_present(observe):
    """sample_images puts the noise on the generator's device: CPU here, even when a GPU is available."""
    error = observe.error("sample_gpu")
    if any(raised(error, *symptom) for symptom in CUDA_SYMPTOMS):
        fail("sample_images put the noise (or the model) on CUDA by itself, while the generator it was given "
             "lives on the CPU: on a CPU-only machine .cuda() fails, and on a GPU machine the noise and the "
             "model end up on different devices. Create the noise on the generator's device, "
             "next(generator.parameters()).device.", bug="hardcoded-cuda")
    got = observe("sample_gpu")
    _images(got["returned"], (3, 3, 4, 4), "On a machine with a (pretend) GPU, sample_images(generator, 3, ...)")


@pytest.mark.points(10)
@pytest.mark.bug("invented-api")
def test_sample_returns_the_generators_images(observe):
    """sample_images calls the generator on (n, latent_dim) noise and returns exactly the images it made."""
    for training in (True, False):
        error = observe.error("sample", training=training)
        if raised(error, "AttributeError", "'generate'"):
            fail("sample_images calls generator.generate(...), a method generators do not have: a GAN generator "
                 "is an nn.Module, and sampling is calling it on noise, images = generator(z). The image size "
                 "is fixed by the model; it cannot be chosen at sampling time.", bug="invented-api")
        got = observe("sample", training=training)
        n, latent_dim, shape = got["n"], got["latent_dim"], (got["n"], *got["shape"])
        for call in got["calls"]:
            what = f"sample_images(generator, {n}, {latent_dim}, seed={call['seed']})"
            images = _images(call["returned"], shape, what)
            if not call["z"]:
                fail(f"{what} never called the generator it was given.")
            rows = sum(z.shape[0] for z in call["z"])
            if any(z.ndim != 2 or z.shape[1] != latent_dim for z in call["z"]) or rows != n:
                seen = ", ".join(str(tuple(z.shape)) for z in call["z"])
                fail(f"{what} should feed the generator noise of shape ({n}, {latent_dim}) (n, latent_dim), but "
                     f"it fed {seen}.")
            made = np.concatenate(call["out"])
            if not np.allclose(images, made, atol=1e-6):
                fail(f"{what} should return the images the generator made from the noise, but it returned "
                     f"{describe(images)}.")
    own = observe("sample_own")
    images = _images(own, (4, 3, 16, 16), "sample_images(Generator(16, 3, 16), 4, 16, seed=0)")
    if not np.isfinite(images).all() or images.min() < -1 - 1e-6 or images.max() > 1 + 1e-6:
        fail(f"sample_images on your own Generator should return images in [-1, 1], but it returned "
             f"{describe(images)}.")


@pytest.mark.points(10)
def test_sample_in_eval_mode_without_autograd(observe):
    """sample_images runs the generator in eval mode with autograd off and restores the generator's mode."""
    for training in (True, False):
        got = observe("sample", training=training)
        mode = "training" if training else "eval"
        for call in got["calls"]:
            if any(call["training"]):
                fail(f"sample_images ran the generator in training mode (the model was in {mode} mode before): "
                     f"BatchNorm then normalises with the batch's statistics and updates its running averages. "
                     f"Call generator.eval() before sampling.")
            if any(call["grad"]) or call["returned"]["requires_grad"]:
                fail("sample_images ran the generator with autograd on, building a graph nobody uses: sample "
                     "inside `with torch.no_grad():`.")
            if call["mode_after"] != training:
                fail(f"The generator was in {mode} mode before sample_images, but not after it: remember "
                     f"generator.training and restore it (generator.train(was_training)), so that sampling "
                     f"in the middle of training does not switch training off.")
        if got["buffers_moved"] > 0:
            fail("sample_images changed the generator's BatchNorm running statistics: sampling must not change "
                 "the model (eval mode).")


@pytest.mark.points(5)
def test_seeds_and_noise(observe):
    """The same seed gives the same images, another seed or seed=None gives new ones; z ~ N(0, 1)."""
    calls = observe("sample", training=False)["calls"]
    images = [c["returned"]["array"] for c in calls]
    if any(a is None for a in images):
        fail("sample_images should return a tensor of images.")
    same5, other, none1, none2 = images[1], images[2], images[3], images[4]
    if not np.array_equal(images[0], same5):
        fail("Two calls of sample_images with seed=5 returned different images: draw the noise from a "
             "generator seeded with `seed` (torch.Generator().manual_seed(seed)).")
    if np.array_equal(images[0], other):
        fail("sample_images returned the same images for seed=5 and seed=6: the seed must choose the noise.")
    if np.array_equal(none1, none2):
        fail("Two calls of sample_images with seed=None returned the same images: without a seed, draw new "
             "noise every time.")
    z = observe("noise")["z"]
    if not z:
        fail("sample_images never called the generator it was given.")
    values = np.concatenate([a.reshape(-1) for a in z]).astype(np.float64)
    mean, std = float(values.mean()), float(values.std())
    if abs(mean) > MEAN_BOUND or not STD_BOUNDS[0] <= std <= STD_BOUNDS[1]:
        fail(f"The noise should be standard normal, z ~ N(0, 1) (torch.randn), but the values the generator "
             f"received have mean {mean:.2f} and standard deviation {std:.2f}.")
