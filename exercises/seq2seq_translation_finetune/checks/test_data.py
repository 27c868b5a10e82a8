"""Hidden checks: PairDataset validates the pairs, make_dataloader yields the right dict batches."""

import pytest

from grader.checking import fail, raised


@pytest.mark.points(5)
@pytest.mark.bug("bad-pairs")
def test_dataset_rejects_non_translations(observe):
    """PairDataset keeps good pairs and raises ValueError for a pair that is not a translation."""
    got = observe("dataset")
    if got["length"] != 4:
        fail(f"PairDataset of 4 pairs should have length 4, but len() gave {got['length']}.")
    expected_items = [["hello world", "bonjour le monde"], ["good morning", "bon matin"],
                      ["thank you very much", "merci beaucoup"], ["good night my friend", "bonne nuit mon ami"]]
    if got["items"] != expected_items:
        fail("PairDataset[i] should return the i-th (source, target) pair, in order.")
    rejected = got["rejected"]
    if rejected["identity"] is None:
        fail("PairDataset accepted a pair whose target is its own source (like the snippet's "
             "('你好，世界', '你好，世界')): such a pair teaches the model to copy, and mixes directions with the "
             "other pairs. Raise ValueError for it.", bug="bad-pairs")
    what = {"identity": "a pair whose target equals its source",
            "identity_case": "a pair whose target equals its source up to case and surrounding spaces",
            "empty": "a pair with an empty source"}
    for name, error in rejected.items():
        if error != "ValueError":
            did = "accepted it" if error is None else f"raised {error}"
            fail(f"PairDataset should raise ValueError for {what[name]}, but it {did}.")


@pytest.mark.points(10)
@pytest.mark.bug("dataloader-positional-misuse")
def test_dataloader_batches(observe):
    """make_dataloader over 3 pairs with batch_size=2 yields dict batches of 2 and 1 pairs, every pair once."""
    for shuffle, even in ((False, True), (False, False), (True, False)):  # equal lengths first: no padding
        error = observe.error("loader", shuffle=shuffle, even=even)
        if raised(error, "TypeError", "multiple values for argument 'batch_size'"):
            fail("make_dataloader passes the targets to DataLoader as a second positional argument, which is "
                 "batch_size, so DataLoader(sources, targets, batch_size=2) raises TypeError. Give DataLoader one "
                 "dataset of pairs and keyword arguments (batch_size=..., collate_fn=...).",
                 bug="dataloader-positional-misuse")
        got = observe("loader", shuffle=shuffle, even=even)
        batches = got["batches"]
        if any(b["kind"] != "dict" for b in batches):
            fail(f"make_dataloader's batches should be dicts (input_ids, attention_mask, labels), but one was a "
                 f"{next(b['kind'] for b in batches if b['kind'] != 'dict')}.")
        sizes = [b["size"] for b in batches]
        if sizes != [2, 1]:
            fail(f"3 pairs with batch_size=2 should give batches of 2 and 1 pairs, but make_dataloader gave "
                 f"batch sizes {sizes}.")
        rows = [row for b in batches for row in b["rows"]]
        pairs = got["pairs"]
        if not shuffle and rows != pairs:
            fail("With shuffle=False, make_dataloader's batches should hold the pairs in order, each as "
                 "make_batch encodes it (source ids in input_ids, target ids in labels).")
        if sorted(map(str, rows)) != sorted(map(str, pairs)):
            fail("make_dataloader's batches should hold every pair exactly once, as make_batch encodes it "
                 "(source ids in input_ids, target ids in labels).")
