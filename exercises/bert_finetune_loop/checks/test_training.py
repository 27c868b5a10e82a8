"""Hidden checks: train_classifier creates its optimizer, trains in training mode and learns.

Budget of the learning check, measured on a tiny BERT (hidden 32, one layer, dropout 0.1):
40 epochs of batches of 4 at lr 2e-3 (120 steps). Over model seeds 0-19 the reference
solution and four other correct loops (Adam with F.cross_entropy and model.zero_grad, the
snippet's DataLoader shape, pre-tokenised unshuffled batches with AdamW(weight_decay=0.01), a
linear warm-up schedule with clipping) all reached training accuracy 1.0 on all 20 seeds, with
the true class ahead of the other by at least 3.3 logits. The plain loop already reaches 1.0 on
all 20 seeds after 16 epochs, the decaying schedule after 24. Their epoch losses went from at least
0.69 (first epoch) to at most 0.42 (last epoch; single epochs spike now and then), so the loss
check compares the first epoch with the lowest of the last 10.
"""

import math

import pytest

from grader.checking import describe, fail, raised

SEED = 0
EPOCHS = 40

_NAME_ERRORS = {
    "optimizer-undefined": (
        ("optimizer",),
        "train_classifier calls optimizer.step() but never creates an optimizer (NameError: name 'optimizer' "
        "is not defined): create one over the model's parameters, e.g. torch.optim.AdamW(model.parameters(), "
        "lr=lr), before the loop.",
    ),
    "undefined-datasets": (
        ("train_dataset", "test_dataset"),
        "Your code loops over a train_dataset or test_dataset that is never defined (NameError): build the "
        "batches from the texts and labels the function is given.",
    ),
    "torch-not-imported": (
        ("torch",),
        "Your code uses torch but the file never imports it (NameError: name 'torch' is not defined): add "
        "`import torch` at the top of the file.",
    ),
}


def recognise_name_error(error, guarded):
    """Fail naming the known bug whose undefined name the student's code tripped over, if any."""
    for bug, (names, message) in _NAME_ERRORS.items():
        if bug in guarded and any(raised(error, "NameError", f"name '{n}' is not defined") for n in names):
            fail(message, bug=bug)


TRAINING_BUGS = ("optimizer-undefined", "undefined-datasets", "torch-not-imported")


def _trained(observe):
    recognise_name_error(observe.error("train", seed=SEED), TRAINING_BUGS)
    got = observe("train", seed=SEED)
    if not got["calls"]:
        fail("train_classifier never called the model it was given on the training texts.")
    return got


@pytest.mark.points(15)
@pytest.mark.bug("optimizer-undefined")
@pytest.mark.bug("undefined-datasets")
@pytest.mark.bug("torch-not-imported")
def test_training_updates_parameters(observe):
    """train_classifier creates an optimizer and updates the model's parameters."""
    got = _trained(observe)
    if not got["change"] > 0:
        fail("After train_classifier the model's parameters had not changed: every batch needs loss.backward() "
             "followed by optimizer.step() on an optimizer over model.parameters().")


@pytest.mark.points(20)
@pytest.mark.bug("optimizer-undefined")
@pytest.mark.bug("undefined-datasets")
@pytest.mark.bug("torch-not-imported")
def test_training_learns_toy_task(observe):
    """Fine-tuning a tiny BERT with train_classifier fits 12 toy sentences (training accuracy 1.0)."""
    got = _trained(observe)
    logits, labels = got["logits"], got["labels"]
    accuracy = float((logits.argmax(axis=-1) == labels).mean())
    if accuracy < 1.0:
        fail(f"After train_classifier ({EPOCHS} epochs, batches of 4, lr 2e-3) a tiny BERT classified "
             f"{accuracy:.0%} of its 12 short training sentences right; a correct fine-tuning loop fits all of "
             f"them. Check that each batch's texts and labels stay together and that every batch takes a step.")


@pytest.mark.points(5)
def test_training_returns_epoch_losses(observe):
    """train_classifier returns one mean training loss per epoch, and the loss goes down."""
    got = observe("train", seed=SEED)
    returned = got["returned"]
    values = returned["values"]
    if values is None:
        fail(f"train_classifier should return a list with the mean loss of each epoch, but it returned a "
             f"{returned['type']}.")
    if len(values) != EPOCHS:
        fail(f"train_classifier was run for {EPOCHS} epochs and should return {EPOCHS} losses (one per epoch), "
             f"but it returned {len(values)}.")
    if not all(math.isfinite(v) and v >= 0 for v in values):
        fail(f"The epoch losses should be finite cross-entropy values, but they were {describe(values)}.")
    losses = got["batch_losses"]  # 12 texts in batches of 4: 3 batch losses per epoch, computed by the probe
    if len(losses) == 3 * EPOCHS and None not in losses:
        for epoch, value in enumerate(values):
            mean = sum(losses[3 * epoch:3 * epoch + 3]) / 3
            if abs(value - mean) > 1e-4 + 1e-3 * mean:
                fail(f"train_classifier returned {value:.4g} for epoch {epoch + 1}, but the mean of that epoch's 3 "
                     f"batch losses was {mean:.4g}: return the mean loss of each epoch (average the batch losses, "
                     f"or weight them by batch size), not a sum or the last batch's loss.")
    late = min(values[-10:])  # the last 10 epochs: Adam at lr 2e-3 makes single epochs spike now and then
    if not late < values[0]:
        learned = bool((got["logits"].argmax(axis=-1) == got["labels"]).all())
        why = ("although the model fitted its training data: return the mean of the batch losses of each epoch"
               if learned else "so training did not reduce the loss")
        fail(f"None of the last 10 epoch losses (lowest {late:.3g}) is below the first epoch's ({values[0]:.3g}), "
             f"{why}.")


@pytest.mark.points(5)
def test_trains_in_training_mode(observe):
    """train_classifier switches the model to training mode (it may come in eval mode, as from_pretrained gives it)."""
    calls = observe("train", seed=SEED)["calls"]
    training = [mode for mode, grad in calls if grad]
    if not training:
        fail("train_classifier never ran the model with autograd on, so it cannot have computed gradients.")
    if not any(training):
        fail("The model came in eval mode (as from_pretrained returns it) and train_classifier trained it "
             "without switching it to training mode, so dropout was off: call model.train() before the loop.")
    if not all(training):
        fail("Some training forward passes ran in eval mode: call model.train() again after anything that "
             "switches the model to eval mode (e.g. evaluating between epochs).")
