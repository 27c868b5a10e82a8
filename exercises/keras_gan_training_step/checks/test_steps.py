"""Hidden checks of discriminator_step and generator_step: which weights each step moves, and which way.

The ``steps`` probe runs D, G, D, G, D, G on one real batch of 16 images (28x28x1,
latent 100) and records, after every step, the largest change of D's and of G's
weights (D's weights are the variables trainable when build_discriminator
returned), and D's mean output on the real batch and on the fakes of a fixed
noise batch.

Direction check (D's real-minus-fake gap must grow over D's steps, D's output on
fakes must grow over G's steps; the check asks for > 0), measured over 20 seeds
(the ``steps`` probe with seed 0..19, scratch script): minimum summed gains
(D gap, G gain), and in every one of the 100 runs *each* single step moved the
right way:
  reference (MLP, Adam 2e-4 / 0.5, trainable toggled)          0.336 / 0.151
  GradientTape steps, compiled optimizers                      0.232 / 0.076
  DCGAN (conv, dropout, label smoothing 0.9, predict)          0.0073 / 0.00096
  the seed's widths, Keras-2 freeze + toggles, Adam 1e-4       0.290 / 0.038
  tiny models, default Adam                                    0.285 / 0.234
Frozen D: the largest change of D's weights during any G step was exactly 0.0 in
all 100 runs; a trained weight moves by about the learning rate (1e-4 .. 2e-3).
"""

import math

import numpy as np
import pytest

from grader.checking import fail

FROZEN = 1e-7  # a frozen weight does not move at all; a trained one moves by about the learning rate


def _steps(observe):
    seen = observe("steps", seed=0)
    if not seen["d_variables"]:
        fail("The discriminator has no weights to train: build_discriminator should return a model with "
             "trainable layers.")
    if not seen["g_variables"]:
        fail("The generator has no weights to train: build_generator should return a model with trainable layers.")
    return seen


def _numpy_missing(error):
    return error is not None and error.type == "NameError" and "name 'np' is not defined" in error.message


def _loss(seen, index, what):
    loss = seen["loss"][index]
    if loss is None or not math.isfinite(loss):
        fail(f"{what} should return its loss as one finite float, but it returned "
             f"{'something else' if loss is None else loss}.")


@pytest.mark.points(20)
@pytest.mark.bug("discriminator-not-frozen")
def test_generator_step_leaves_d_unchanged(observe):
    """generator_step updates only G: D's weights stay exactly as they were."""
    seen = _steps(observe)
    for index, kind in enumerate(seen["kind"]):
        if kind != "g":
            continue
        moved = seen["d_change"][index]
        if moved > FROZEN:
            fail(f"generator_step changed the discriminator's weights (by up to {moved:.3g}): D was not frozen, so "
                 "the combined model also trained D to call the fakes real. Freeze D for the generator's step "
                 "(discriminator.trainable = False before gan.train_on_batch), or apply gradients to G's "
                 "weights only.", bug="discriminator-not-frozen")


@pytest.mark.points(10)
def test_generator_step_trains_g(observe):
    """generator_step changes G's weights and returns a finite loss."""
    seen = _steps(observe)
    for index, kind in enumerate(seen["kind"]):
        if kind != "g":
            continue
        _loss(seen, index, "generator_step")
        if seen["g_change"][index] <= FROZEN:
            fail("generator_step left the generator's weights unchanged: it should update G, through the "
                 "combined model (gan.train_on_batch) or with G's gradients.")


@pytest.mark.points(20)
@pytest.mark.bug("keras3-freeze-recipe")
@pytest.mark.bug("numpy-not-imported")
def test_discriminator_step_trains_d(observe):
    """discriminator_step changes D's weights, also after a generator_step, and leaves G alone."""
    error = observe.error("steps", seed=0)
    if _numpy_missing(error):
        fail("np is used but numpy is never imported: add import numpy as np.", bug="numpy-not-imported")
    seen = _steps(observe)
    for index, kind in enumerate(seen["kind"]):
        if kind != "d":
            continue
        _loss(seen, index, "discriminator_step")
        after = " after a generator_step" if index > 1 else ""
        if seen["d_change"][index] <= FROZEN:
            if seen["d_trainable"][index] is False:
                fail(f"discriminator_step{after} left D's weights unchanged, and D was frozen (trainable=False) "
                     "when it ran: in Keras 3, compile() does not record `trainable`; a model frozen for the "
                     "combined model stays frozen for its own train_on_batch too. Set discriminator.trainable = "
                     "True before D's step and False before G's step.", bug="keras3-freeze-recipe")
            fail(f"discriminator_step{after} left the discriminator's weights unchanged: it should update D on "
                 "the real batch (label 1) and on generated images (label 0).")
        if seen["g_change"][index] > FROZEN:
            fail("discriminator_step changed the generator's weights: D's step must only update D (generate the "
                 "fakes with the generator, but do not train it).")


@pytest.mark.points(10)
def test_steps_move_the_right_way(observe):
    """D's steps separate real from fake images; G's steps make D rate G's images as more real."""
    seen = _steps(observe)
    real, fake = np.array(seen["d_real"]), np.array(seen["d_fake"])
    d_gain = g_gain = 0.0
    for index, kind in enumerate(seen["kind"]):
        if kind == "d":
            d_gain += (real[index] - fake[index]) - (real[index - 1] - fake[index - 1])
        elif kind == "g":
            g_gain += fake[index] - fake[index - 1]
    if not d_gain > 0:
        fail("Over three discriminator steps, D did not get better at telling the real batch from generated "
             "images (its mean output on real minus fake images went down): train D with label 1 for real "
             "images and 0 for generated ones.")
    if not g_gain > 0:
        fail("Over three generator steps, D's mean output on generated images went down: G should be trained "
             "towards D calling its images real (label 1 through the combined model).")
