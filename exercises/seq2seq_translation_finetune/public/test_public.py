"""Public check for seq2seq_translation_finetune: make_batch on two pairs.

The probe calls ``make_batch(tokenizer, ["hello world", "good night"],
["bonjour le monde", "bonne nuit mon ami"])`` with the grader's word-level
tokenizer, and returns the batch.
"""

import numpy as np
import pytest

from grader.checking import fail


@pytest.mark.points(5)
def test_make_batch_two_pairs(observe):
    """make_batch returns input_ids, attention_mask and labels tensors with one row per pair."""
    got = observe("batch_two")
    if got["kind"] != "dict":
        fail(f"make_batch should return a dict, but it returned a {got['kind']}.")
    for key in ("input_ids", "attention_mask", "labels"):
        value = got.get(key)
        if not isinstance(value, np.ndarray):
            fail(f"make_batch's dict should hold a tensor under '{key}', but it had "
                 f"{value['type'] if isinstance(value, dict) else 'nothing'} (keys: {got['keys']}).")
        if value.ndim != 2 or value.shape[0] != 2:
            fail(f"make_batch's '{key}' should be a 2-D tensor with one row per pair (2), but it has shape "
                 f"{value.shape}.")
    if got["input_ids"].shape != got["attention_mask"].shape:
        fail("input_ids and attention_mask should have the same shape.")
