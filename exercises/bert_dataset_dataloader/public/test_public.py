"""Public check for bert_dataset_dataloader: EncodedDataset has one dict item per text, labels included."""

import pytest

from grader.checking import fail

REQUIRED = ("input_ids", "attention_mask", "labels")


@pytest.mark.points(10)
@pytest.mark.bug("labels-not-in-batch")
def test_dataset_length_and_keys(observe):
    """EncodedDataset over 5 encoded texts has 5 items, each a dict with input_ids, attention_mask and labels."""
    got = observe("dataset")
    if got["length"] != 5:
        fail(f"EncodedDataset over 5 encoded texts with 5 labels should have len() == 5, but it has {got['length']}.")
    item = got["items"][0]
    if not item["mapping"]:
        fail(f"EncodedDataset items should be dicts (the DataLoader then yields dict batches for model(**batch)), "
             f"but item 0 is a {item['type']}.")
    missing = [key for key in REQUIRED if key not in item["fields"]]
    if "labels" in missing:
        fail(f"Item 0 has no 'labels' entry (it has {sorted(item['fields'])}), so the labels never reach the "
             f"model and outputs.loss is None: every item must carry its label under the key 'labels'.",
             bug="labels-not-in-batch")
    if missing:
        fail(f"Item 0 should have the keys {list(REQUIRED)}, but {missing} are missing.")
