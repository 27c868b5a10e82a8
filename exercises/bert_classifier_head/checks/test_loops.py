"""Hidden checks: fine_tune and predict, judged on a classifier built by the grader (ProbeClassifier)."""

import math

import numpy as np
import pytest

from grader.checking import describe, fail, raised


def recognise_double_star(error):
    if raised(error, "TypeError", "argument after ** must be a mapping"):
        fail("Your code unpacked a DataLoader batch with ** (model(**batch)), but a TensorDataset batch is a list "
             "of tensors, not a mapping. Turn it into keyword arguments first with batch_to_inputs(batch).",
             bug="double-star-on-list")


@pytest.mark.points(15)
@pytest.mark.bug("trains-in-eval-mode")
@pytest.mark.bug("double-star-on-list")
def test_fine_tune_trains_in_training_mode(observe):
    """fine_tune switches the model to training mode (it comes in eval mode, as from_pretrained returns it)."""
    recognise_double_star(observe.error("fine_tune"))
    got = observe("fine_tune")
    training = [mode for mode, grad in got["calls"] if grad]
    if not training:
        fail("fine_tune never ran the model with autograd on, so it cannot have computed gradients.")
    if not any(training):
        fail("The model came in eval mode (as from_pretrained returns it) and fine_tune trained it without "
             "switching it to training mode, so dropout was off the whole time: call model.train() before the "
             "loop.", bug="trains-in-eval-mode")
    if not all(training):
        fail("Some training forward passes ran in eval mode: call model.train() again after anything that "
             "switches the model to eval mode.")


@pytest.mark.points(10)
@pytest.mark.bug("double-star-on-list")
def test_fine_tune_steps_and_returns_epoch_losses(observe):
    """fine_tune updates the model's parameters and returns one finite mean loss per epoch."""
    recognise_double_star(observe.error("fine_tune"))
    got = observe("fine_tune")
    if not got["change"] > 0:
        fail("After fine_tune the model's parameters had not changed: each batch needs loss.backward() and an "
             "optimizer step (the optimizer over model.parameters(), learning rate lr).")
    values = got["returned"]
    if values is None:
        fail(f"fine_tune should return a list with the mean loss of each epoch, but it returned a "
             f"{got['returned_type']}.")
    if len(values) != 2 or not all(math.isfinite(v) and v >= 0 for v in values):
        fail(f"fine_tune was run for 2 epochs and should return 2 finite losses, but it returned {describe(values)}.")
    # Adam's (and AdamW's) first step moves every parameter with a gradient by about lr, whatever the gradient.
    lr = got["lr"]
    first_step = next((change for _, change in got["steps"] if change > 0), got["change"])
    if not 0.5 * lr <= first_step <= 2 * lr:
        fail(f"fine_tune was called with lr={lr:g}, but its first optimizer step moved the parameters by up to "
             f"{first_step:.3g}, where Adam's first step moves them by about lr: create the optimizer with "
             f"lr=lr, the argument fine_tune was given.")
    # 16 texts in batches of 4: each epoch's 4 batch losses (computed by the probe model) should average to it.
    losses = [loss for loss, _ in got["steps"]]
    if len(losses) == 8 and None not in losses:
        for epoch, value in enumerate(values):
            mean = sum(losses[4 * epoch:4 * epoch + 4]) / 4
            if abs(value - mean) > 1e-4 + 1e-3 * mean:
                fail(f"fine_tune returned {value:.4g} for epoch {epoch + 1}, but the mean of that epoch's 4 batch "
                     f"losses was {mean:.4g}: return the mean loss of each epoch (sum the batch losses and divide "
                     f"by the number of batches or weight them by their sizes), not a sum or the last batch's loss.")


@pytest.mark.points(15)
@pytest.mark.bug("hidden-states-printed-as-logits")
@pytest.mark.bug("double-star-on-list")
def test_predict_returns_class_ids(observe):
    """predict returns the eval-mode class id of every example: a LongTensor of shape (N,), without autograd."""
    recognise_double_star(observe.error("predict"))
    got = observe("predict")
    want = got["classes"]
    first = got["first"]["value"]
    if first is None:
        fail("predict returned None: return the predicted class ids (printing them is not enough).")
    if not isinstance(first, np.ndarray):
        fail(f"predict should return a LongTensor of class ids, but it returned a {got['first']['type']}.")
    if first.dtype.kind == "f" and (first.ndim == 3 or first.ndim == 2 and first.shape[-1] == got["hidden_size"]):
        fail(f"predict returned a float tensor of shape {tuple(first.shape)}: the encoder's hidden states, not "
             f"logits and not classes. Run the whole classifier and take the argmax of its 'logits'.",
             bug="hidden-states-printed-as-logits")
    if first.dtype.kind == "f" and first.ndim == 2:
        fail(f"predict returned float scores of shape {tuple(first.shape)}; return the class ids instead: "
             f"logits.argmax(dim=-1).")
    if first.shape != want.shape or first.dtype.kind not in "iu":
        fail(f"For {want.shape[0]} examples predict should return {want.shape[0]} integer class ids (shape "
             f"({want.shape[0]},)), but it returned {describe(first)}.")
    calls = got["calls"]
    if any(mode for mode, _ in calls):
        fail("predict ran the model in training mode, so dropout changed its answers: call model.eval() first.")
    if any(grad for _, grad in calls):
        fail("predict ran the model with autograd on, building a graph it never uses: wrap it in "
             "`with torch.no_grad():`.")
    second = got["second"]["value"]
    if not np.array_equal(first, want) or not np.array_equal(second, first):
        fail("predict did not return the argmax of the model's eval-mode logits for every example, in the "
             "loader's order.")
