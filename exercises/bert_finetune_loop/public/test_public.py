"""Public check for bert_finetune_loop: predict returns one class id per text, in order."""

import pytest

from grader.checking import describe, fail, raised

_NAME_ERRORS = {
    "torch-not-imported": ("torch",),
    "undefined-datasets": ("test_dataset", "train_dataset"),
}


@pytest.mark.points(10)
@pytest.mark.bug("torch-not-imported")
@pytest.mark.bug("undefined-datasets")
def test_predict_keeps_order(observe):
    """predict returns the class id of every text, in the order of the texts (10 texts, batches of 4)."""
    error = observe.error("predict")
    if any(raised(error, "NameError", f"name '{n}' is not defined") for n in _NAME_ERRORS["torch-not-imported"]):
        fail("predict uses torch but the file never imports it (NameError: name 'torch' is not defined): add "
             "`import torch` at the top of the file.", bug="torch-not-imported")
    if any(raised(error, "NameError", f"name '{n}' is not defined") for n in _NAME_ERRORS["undefined-datasets"]):
        fail("predict loops over a dataset that is never defined (NameError): build the batches from the texts "
             "it is given.", bug="undefined-datasets")
    got = observe("predict")
    values, want = got["returned"]["values"], got["classes"]
    if values is None:
        fail(f"predict should return a list of class ids, but it returned a {got['returned']['type']}.")
    if len(values) != len(want):
        fail(f"For {len(want)} texts predict should return {len(want)} class ids, but it returned {len(values)}.")
    if [int(v) for v in values] != want:
        wrong = sum(int(v) != w for v, w in zip(values, want, strict=True))
        fail(f"{wrong} of {len(want)} class ids returned by predict are not the argmax of the model's logits for "
             f"the text at the same position (the model here is one whose answers are known; got "
             f"{describe([int(v) for v in values])}).")
