"""Hidden checks of iterate_batches and train: every image once per epoch, one step per batch."""

import math

import pytest

from grader.checking import fail

BATCHINGS = [(50, 8), (30, 4)]
UNDEFINED = ("num_epochs", "batch_size")


@pytest.mark.points(10)
@pytest.mark.bug("loop-over-batch-size")
def test_iterate_batches_covers_each_image_once(observe):
    """iterate_batches yields ceil(N / batch_size) batches of at most batch_size images, each image exactly once."""
    for n, batch_size in BATCHINGS:
        seen = observe("batches", n=n, batch_size=batch_size)
        batches, want = seen["batches"], math.ceil(n / batch_size)
        if len(batches) == batch_size and batch_size != want:
            fail(f"For {n} images in batches of {batch_size}, iterate_batches yielded {batch_size} batches: it loops "
                 f"`batch_size` times instead of over the data. One epoch is ceil(N / batch_size) = {want} "
                 "batches that together hold every image once.", bug="loop-over-batch-size")
        if len(batches) != want:
            fail(f"For {n} images in batches of {batch_size}, one epoch should be ceil(N / batch_size) = {want} "
                 f"batches (the last one may be smaller), but iterate_batches yielded {len(batches)}.")
        if seen["odd"] is not None:
            fail(f"iterate_batches should yield arrays of images, but it yielded {seen['odd']}.")
        if any(len(shape) < 2 or shape[0] > batch_size or shape[1:] != [2, 2, 1] for shape in seen["shapes"]):
            fail(f"Each batch should be an array of at most {batch_size} images of the images' shape, but "
                 f"iterate_batches yielded shapes such as {seen['shapes'][0]}.")
        ids = sorted(i for batch in batches for i in batch)
        if ids != list(range(n)):
            fail(f"Over one epoch iterate_batches should yield each of the {n} images exactly once, but "
                 f"{len(set(ids))} distinct images came out, {len(ids) - len(set(ids))} of them more than once.")


@pytest.mark.points(15)
@pytest.mark.bug("loop-over-batch-size")
@pytest.mark.bug("real-images-placeholder")
@pytest.mark.bug("undefined-globals")
@pytest.mark.bug("numpy-not-imported")
def test_train_runs_every_batch_of_every_epoch(observe):
    """train runs one D step and one G step per batch of every epoch on the real images and returns their losses."""
    error = observe.error("train", seed=0)
    if error is not None:
        if "ellipsis" in error.message.lower():
            fail("The discriminator was given `...` (Ellipsis) instead of real images: `real_images = ...` is a "
                 "placeholder. Train on the batches of the `images` passed to train.", bug="real-images-placeholder")
        if error.type == "NameError":
            name = next((n for n in UNDEFINED if f"name '{n}' is not defined" in error.message), None)
            if name:
                fail(f"Your code uses {name!r}, which is never defined: the number of epochs and the batch size "
                     "must come from train's arguments.", bug="undefined-globals")
            if "name 'np' is not defined" in error.message:
                fail("np is used but numpy is never imported: add import numpy as np.", bug="numpy-not-imported")
    seen = observe("train", seed=0)
    rows, want = seen["rows"], seen["expected_steps"]
    if rows is None:
        fail(f"train should return a list with one dict per training step, but it returned a {seen['type']}.")
    if len(rows) == 2 * 8 and want != 16:
        fail(f"train ran {len(rows)} steps for 2 epochs of 20 images in batches of 8: it loops `batch_size` times "
             f"per epoch instead of over the batches ({want} steps in all).", bug="loop-over-batch-size")
    if (seen["d_calls"] or seen["g_calls"]) and (seen["d_calls"], seen["g_calls"]) != (want, want):
        fail(f"For 2 epochs of 20 images in batches of 8 ({want} batches), train called discriminator_step "
             f"{seen['d_calls']} times and generator_step {seen['g_calls']} times: run exactly one of each per "
             "batch.")
    if len(rows) != want:
        fail(f"For 2 epochs of 20 images in batches of 8, train should run {want} steps (one per batch: "
             f"ceil(20 / 8) = 3 per epoch) and return one record per step, but it returned {len(rows)}.")
    for row in rows:
        if row is None or row["d_loss"] is None or row["g_loss"] is None:
            fail("Each record train returns should be a dict with the step's 'd_loss' and 'g_loss' as floats.")
        if not (math.isfinite(row["d_loss"]) and math.isfinite(row["g_loss"])):
            fail("train returned a non-finite loss (nan or inf).")
    if seen["d_change"] <= 1e-7 or seen["g_change"] <= 1e-7:
        fail("After train, the discriminator's or the generator's weights had not changed: every step should "
             "update D, then G.")
