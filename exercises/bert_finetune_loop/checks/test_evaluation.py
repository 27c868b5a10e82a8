"""Hidden checks: evaluate_accuracy counts every text once, evaluation runs in eval mode without autograd."""

import math

import numpy as np
import pytest

from grader.checking import describe, fail, raised

_NAME_ERRORS = {
    "torch-not-imported": (
        ("torch",),
        "Your evaluation uses torch (e.g. `with torch.no_grad():`) but the file never imports it (NameError: "
        "name 'torch' is not defined): add `import torch` at the top of the file.",
    ),
    "undefined-datasets": (
        ("test_dataset", "train_dataset"),
        "Your code loops over a test_dataset or train_dataset that is never defined (NameError): build the "
        "batches from the texts (and labels) the function is given.",
    ),
}
EVALUATION_BUGS = ("torch-not-imported", "undefined-datasets")


def recognise_name_error(error, guarded):
    """Fail naming the known bug whose undefined name the student's code tripped over, if any."""
    for bug, (names, message) in _NAME_ERRORS.items():
        if bug in guarded and any(raised(error, "NameError", f"name '{n}' is not defined") for n in names):
            fail(message, bug=bug)


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7)


@pytest.mark.points(20)
@pytest.mark.bug("per-batch-accuracy-stale-epoch")
@pytest.mark.bug("torch-not-imported")
@pytest.mark.bug("undefined-datasets")
def test_accuracy_counts_every_text(observe):
    """evaluate_accuracy returns the fraction of all texts classified right, also when the last batch is smaller."""
    recognise_name_error(observe.error("accuracy"), ("per-batch-accuracy-stale-epoch", *EVALUATION_BUGS))
    got = observe("accuracy")
    returned = got["returned"]
    if returned is None or isinstance(returned, bool):
        fail(f"evaluate_accuracy should return the accuracy as a float, but it returned a {got['type']}.")
    correct, sizes = np.array(got["batch_correct"]), np.array(got["batch_sizes"])
    overall = float(correct.sum() / sizes.sum())
    if _close(returned, overall):
        return
    per_batch = correct / sizes
    if _close(returned, float(per_batch.mean())) or _close(returned, float(per_batch[-1])):
        what = "the mean of the per-batch accuracies" if _close(returned, float(per_batch.mean())) else \
            "the accuracy of the last batch only"
        fail(f"evaluate_accuracy returned {returned:.4g}, {what}; the last batch is smaller, so count the right "
             f"predictions over all batches and divide by the number of texts.",
             bug="per-batch-accuracy-stale-epoch")
    if _close(returned, 100 * overall):
        fail(f"evaluate_accuracy returned {returned:.4g}, a percentage; return a fraction between 0 and 1.")
    fail(f"evaluate_accuracy returned {returned:.4g}, but the fraction of texts that the model classifies "
         f"right (argmax of its logits equal to the label) is different.")


def _evaluation(observe):
    recognise_name_error(observe.error("evaluation"), EVALUATION_BUGS)
    got = observe("evaluation")
    for function in ("predict", "evaluate"):
        if not got[f"{function}_calls"]:
            name = "predict" if function == "predict" else "evaluate_accuracy"
            fail(f"{name} never called the model it was given.")
    return got


@pytest.mark.points(8)
@pytest.mark.bug("torch-not-imported")
@pytest.mark.bug("undefined-datasets")
def test_evaluation_in_eval_mode(observe):
    """predict and evaluate_accuracy use the model in eval mode (no dropout): the same answer on every call."""
    got = _evaluation(observe)
    for function, name in (("predict", "predict"), ("evaluate", "evaluate_accuracy")):
        if any(training for training, _ in got[f"{function}_calls"]):
            fail(f"{name} ran the model in training mode, so dropout changed its answers from call to call: "
                 f"call model.eval() before evaluating.")
    first, second = got["first"]["values"], got["second"]["values"]
    want = got["eval_classes"].tolist()
    if first is None:
        fail(f"predict should return a list of class ids, but it returned a {got['first']['type']}.")
    if first != second or [int(v) for v in first] != want:
        fail("predict did not return the classes of the model's eval-mode logits (argmax over the classes), "
             "one per text, in order.")
    a, b = got["accuracy_first"], got["accuracy_second"]
    if a is None or b is None or not (_close(a, b) and _close(a, got["eval_accuracy"])):
        fail(f"evaluate_accuracy returned {describe(a)} and then {describe(b)} for the same texts; both should be "
             f"the model's eval-mode accuracy.")


@pytest.mark.points(7)
@pytest.mark.bug("torch-not-imported")
@pytest.mark.bug("undefined-datasets")
def test_evaluation_without_autograd(observe):
    """predict and evaluate_accuracy run the model with autograd off (no gradient graph is built)."""
    got = _evaluation(observe)
    for function, name in (("predict", "predict"), ("evaluate", "evaluate_accuracy")):
        if any(grad for _, grad in got[f"{function}_calls"]):
            fail(f"{name} ran the model with autograd on, building a gradient graph it never uses: wrap the "
                 f"forward passes in `with torch.no_grad():`.")


@pytest.mark.points(10)
def test_long_texts_are_truncated(observe):
    """predict and train_classifier work on a text longer than the model's 32 positions (truncation)."""
    for part, name in (("predict", "predict"), ("train", "train_classifier")):
        error = observe.error("long_texts", part=part)
        if raised(error, "RuntimeError", "must match the size") or raised(error, "IndexError", "index out of range"):
            fail(f"{name} crashed on a text longer than the model accepts ({error.type}): tokenise with "
                 f"truncation=True so that every text is cut to the tokenizer's model_max_length.")
        got = observe("long_texts", part=part)
        if part == "predict" and (got["values"] is None or len(got["values"]) != 4):
            fail(f"For 4 texts predict should return 4 class ids, but it returned {describe(got['values'])}.")
