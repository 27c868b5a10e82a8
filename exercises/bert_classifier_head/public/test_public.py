"""Public check for bert_classifier_head: batch_to_inputs names the tensors of a tuple batch."""

import numpy as np
import pytest

from grader.checking import describe, fail


@pytest.mark.points(5)
@pytest.mark.bug("double-star-on-list")
def test_batch_to_inputs_names_a_tuple(observe):
    """batch_to_inputs((input_ids, attention_mask)) returns {'input_ids': ..., 'attention_mask': ...}."""
    got = observe("batch_to_inputs", form="tuple")
    if not got["mapping"]:
        fail(f"batch_to_inputs((input_ids, attention_mask)) returned a {got['type']}, not a dict: model(**batch) "
             f"needs a mapping of keyword arguments, and a batch of tensors is a tuple or list.",
             bug="double-star-on-list" if got["type"] in ("list", "tuple") else None)
    fields = got["fields"]
    if sorted(fields) != ["attention_mask", "input_ids"]:
        fail(f"batch_to_inputs((input_ids, attention_mask)) should return the keys ['attention_mask', "
             f"'input_ids'], but it returned {sorted(fields)}.")
    for name in ("input_ids", "attention_mask"):
        if not isinstance(fields[name], np.ndarray) or not np.array_equal(fields[name], got[name]):
            fail(f"batch_to_inputs returned something else than the batch's {name} under '{name}' "
                 f"({describe(fields[name])}).")
