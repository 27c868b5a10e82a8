"""Hidden checks: fresh noise of the batch's size on every call, drawn from the given torch.Generator.

Only properties of the noise are judged (its shape, that it changes between
calls, that it looks like N(0, 1) and that the given generator makes it
reproducible), never the values of one random stream. The distribution bounds
are wide: over the >= 552 values of the 'steps' probe one standard error is
about 0.04 for the mean and 0.03 for the standard deviation. Measured over 20
seeds, each with its own spy-model weights and noise (scratch script, the
reference and the four correct test submissions): mean in [-0.076, 0.064],
standard deviation in [0.933, 1.080], against bounds of +-0.3 and
[0.75, 1.25]; torch.rand (mean 0.5, std 0.29) is far outside.
"""

import numpy as np
import pytest

from grader.checking import fail, raised

MEAN_BOUND = 0.3
STD_BOUNDS = (0.75, 1.25)


@pytest.mark.points(15)
@pytest.mark.bug("z-undefined-not-resampled")
def test_fresh_noise_each_step(observe):
    """Every train_step draws new noise z ~ N(0, 1) of shape (real.size(0), z_dim), also for a short last batch."""
    error = observe.error("steps")
    if raised(error, "NameError", "'z'"):
        fail("train_step uses a noise tensor z that it never defines (NameError): draw fresh noise in every "
             "call, z = torch.randn(real.size(0), z_dim, ...).", bug="z-undefined-not-resampled")
    got = observe("steps")
    z_dim, steps = got["z_dim"], got["steps"]
    sizes = []
    for step in steps:
        if not step["z"]:
            fail("train_step never called the generator G it was given.")
        for z in step["z"]:
            if z.ndim != 2 or z.shape[1] != z_dim:
                fail(f"The generator should receive noise of shape (batch, z_dim) = (batch, {z_dim}), but it "
                     f"received shape {tuple(z.shape)}.")
        sizes.append({int(z.shape[0]) for z in step["z"]})
    for step, seen in zip(steps, sizes, strict=True):
        if seen != {step["batch"]}:
            fixed = len(set().union(*sizes)) == 1 and len({s["batch"] for s in steps}) > 1
            shown = ", ".join(str(n) for n in sorted(seen))
            if fixed:
                fail(f"For a real batch of {step['batch']} images the generator received noise for {shown} "
                     f"images, the same size as for every other batch: the noise is not drawn per call for "
                     f"real.size(0) images (a short last batch gets the wrong number of fakes).",
                     bug="z-undefined-not-resampled")
            fail(f"For a real batch of {step['batch']} images the generator should receive noise for "
                 f"{step['batch']} images (real.size(0)), but it received noise for {shown}.")
    first, second = steps[0]["z"], steps[1]["z"]
    if any(np.array_equal(a, b) for a in first for b in second):
        fail("Two calls of train_step fed the generator exactly the same noise: draw new noise in every "
             "call instead of reusing one fixed z (and do not re-seed inside train_step).",
             bug="z-undefined-not-resampled")
    values = np.concatenate([z.reshape(-1) for step in steps for z in step["z"]]).astype(np.float64)
    mean, std = float(values.mean()), float(values.std())
    if abs(mean) > MEAN_BOUND or not STD_BOUNDS[0] <= std <= STD_BOUNDS[1]:
        fail(f"The noise should be standard normal, z ~ N(0, 1) (torch.randn), but the values the generator "
             f"received have mean {mean:.2f} and standard deviation {std:.2f}.")


@pytest.mark.points(5)
def test_noise_uses_given_rng(observe):
    """With rng=torch.Generator().manual_seed(s), the noise is drawn from it: two runs draw the same noise."""
    got = observe("rng")
    first, second = got["first"], got["second"]
    if not first:
        fail("train_step never called the generator G it was given.")
    same = len(first) == len(second) and all(a.shape == b.shape and np.array_equal(a, b)
                                             for a, b in zip(first, second, strict=True))
    if not same:
        fail("Two runs of train_step, each given rng=torch.Generator().manual_seed(7), drew different noise: "
             "draw z from the rng argument when it is given (torch.randn(..., generator=rng)).")
