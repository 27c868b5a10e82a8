"""Hidden checks: what each optimizer step of train_step is fed, and the returned losses.

The probe gives train_step spy models and SGD optimizers whose step hooks
record, at the moment each optimizer steps, that model's gradients and the
gradients a correct loss gives for the tensors the student's code actually
used (every generator call of that train_step is a candidate). A step passes
when its gradient points along one candidate: cosine >= COSINE (so the loss
may be scaled, e.g. d_real + d_fake instead of their mean, and the noise may
be drawn and used in any order).

Measured margins (scratch script, the reference and the four correct test
submissions, 20 seeds, each with its own spy-model weights and noise, all 3 steps):
the best cosine was never more than 7e-14 below 1 for G and 2e-14 for D.
Wrong losses measured far lower: one-sided label smoothing 0.998, a missing
zero_grad 0.95, a logits loss on probabilities 0.82-0.84, the saturating
generator loss 0.43.
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail

COSINE = 0.9999


def _cosine(a, b):
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def _best(grad, candidates):
    return max((_cosine(grad, c) for c in candidates), default=0.0)


def _ordinal(index):
    return ("first", "second", "third", "fourth")[index] if index < 4 else f"#{index + 1}"


def _generator_phase(step, record):
    """Whether each D call of the generator's phase (after D's step, or from the start) was connected to G."""
    start = 0
    for d_record in step["d_steps"]:
        if d_record["order"] < record["order"]:
            start = max(start, d_record["d_calls_before"])
    return step["connected"][start:record["d_calls_before"]]


def _nothing_new_for_g(step, record):
    """G's gradient at g_opt.step() is empty, or exactly what it already held when D stepped before."""
    grad = record["grad"]
    if record["none"] or not np.any(grad):
        return True
    earlier = [d for d in step["d_steps"] if d["order"] < record["order"] and not d["g_none"]]
    return any(np.any(d["g_grad"]) and np.array_equal(d["g_grad"], grad) for d in earlier)


@pytest.mark.points(25)
@pytest.mark.bug("detached-generator")
def test_generator_step_trains_generator(observe):
    """At g_opt.step(), G's gradient is that of the non-saturating loss -log D(G(z)) for the noise just drawn."""
    for index, step in enumerate(observe("steps")["steps"]):
        which = f"In the {_ordinal(index)} train_step"
        if not step["g_steps"]:
            fail(f"{which} g_opt.step() was never called, so the generator was not trained.")
        record = step["g_steps"][0]
        grad = record["grad"]
        if _nothing_new_for_g(step, record):
            phase = _generator_phase(step, record)
            if phase and not any(phase):
                fail(f"{which} the generator's step gave G no gradient: every image its discriminator calls "
                     f"received was detached from the generator (generator(z).detach() reused), so "
                     f"g_loss.backward() cannot reach G and g_opt.step() only applies what G already held. "
                     f"Detach the fakes only for the discriminator's step.", bug="detached-generator")
            fail(f"{which} the generator's step gave G no gradient of its own: call g_loss.backward() after "
                 f"zeroing G's gradients and before g_opt.step().")
        cosine = _best(grad, record["non_saturating"])
        if cosine >= COSINE:
            if not record.get("moved", 0.0) > 0:
                fail(f"{which} g_opt.step() did not change the generator's parameters.")
            continue
        if _best(grad, record["label_zero"]) > 0.95:
            fail(f"{which} G's gradient at g_opt.step() pushes D(G(z)) down, like the discriminator's loss on "
                 f"fakes: the generator must be trained to make D call its images real (label 1, "
                 f"-log D(G(z))).")
        fail(f"{which} G's gradient at g_opt.step() is not the gradient of g_loss = BCE(D(G(z)), 1) for the "
             f"noise G received (best cosine {cosine:.3f}). Zero G's gradients before g_loss.backward(), and "
             f"compute g_loss from D's output on the generator's (not detached) images.")


@pytest.mark.points(10)
def test_discriminator_step_trains_discriminator(observe):
    """At d_opt.step(), D's gradient is that of BCE(D(real), 1) + BCE(D(fake), 0) for the real batch and fresh fakes."""
    for index, step in enumerate(observe("steps")["steps"]):
        which = f"In the {_ordinal(index)} train_step"
        if not step["d_steps"]:
            fail(f"{which} d_opt.step() was never called, so the discriminator was not trained.")
        record = step["d_steps"][0]
        grad = record["grad"]
        if record["none"] or not np.any(grad):
            fail(f"{which} the discriminator had no gradient when d_opt.step() ran: call d_loss.backward() "
                 f"before d_opt.step().")
        cosine = _best(grad, record["candidates"])
        if cosine < COSINE:
            fail(f"{which} D's gradient at d_opt.step() is not the gradient of "
                 f"0.5 * (BCE(D(real), 1) + BCE(D(fake), 0)) for the real batch and the generator's images "
                 f"of this step (best cosine {cosine:.3f}). Zero D's gradients before d_loss.backward() (the "
                 f"generator's backward pass also fills them), label real images 1 and fakes 0.")
        if not record.get("moved", 0.0) > 0:
            fail(f"{which} d_opt.step() did not change the discriminator's parameters.")


@pytest.mark.points(5)
def test_each_optimizer_steps_once(observe):
    """Each train_step calls d_opt.step() exactly once and g_opt.step() exactly once."""
    for index, step in enumerate(observe("steps")["steps"]):
        counts = {"d_opt": len(step["d_steps"]), "g_opt": len(step["g_steps"])}
        for name, count in counts.items():
            if count != 1:
                fail(f"In the {_ordinal(index)} train_step {name}.step() was called {count} times; one "
                     f"discriminator step and one generator step per call were expected.")


def _expect_loss(value, want, key, p):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        fail(f"train_step should return {key} as a finite float, but it returned {describe(value)}.")
    if math.isclose(value, want, rel_tol=1e-4, abs_tol=1e-5):
        return
    if key == "d_loss" and math.isclose(value, 2 * want, rel_tol=1e-4):
        fail(f"With a discriminator that outputs {p} for every image, d_loss was {value:.4f}, the sum "
             f"BCE(D(real), 1) + BCE(D(fake), 0); return their mean, 0.5 * (sum), as the snippet does.")
    if key == "g_loss" and math.isclose(value, math.log(1 - p), rel_tol=1e-4, abs_tol=1e-5):
        fail(f"With a discriminator that outputs {p} for every image, g_loss was {value:.4f} = log(1 - D(G(z))), "
             f"the saturating minimax loss; use the non-saturating loss BCE(D(G(z)), 1) = -log D(G(z)).")
    if key == "g_loss" and math.isclose(value, -math.log(1 - p), rel_tol=1e-4, abs_tol=1e-5):
        fail(f"With a discriminator that outputs {p} for every image, g_loss was {value:.4f} = "
             f"-log(1 - D(G(z))): the generator's loss uses label 0; it must use label 1 (-log D(G(z))).")
    fail(f"With a discriminator that outputs {p} for every image, {key} should be {want:.4f}, but train_step "
         f"returned {value:.4f}.")


@pytest.mark.points(10)
def test_returned_losses(observe):
    """train_step returns d_loss = 0.5 * (BCE(D(real), 1) + BCE(D(fake), 0)) and g_loss = BCE(D(G(z)), 1) as floats."""
    for p in (0.5, 0.8):
        got = observe("losses", p=p)
        if got["type"] != "dict":
            fail(f"train_step should return a dict with the keys 'd_loss' and 'g_loss', but it returned a "
                 f"{got['type']}.")
        _expect_loss(got["d_loss"], 0.5 * (-math.log(p) - math.log(1 - p)), "d_loss", p)
        _expect_loss(got["g_loss"], -math.log(p), "g_loss", p)
