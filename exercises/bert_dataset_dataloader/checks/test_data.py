"""Hidden checks: EncodedDataset items and the batches of make_dataloader."""

from collections import Counter

import numpy as np
import pytest

from grader.checking import describe, fail, raised


def recognise_loader_error(error):
    """Fail naming the DataLoader bug whose exception the student's code raised, if any."""
    labels_as_batch_size = raised(error, "ValueError", "batch_size should be a positive integer value") and (
        "batch_size=tensor(" in error.message or "batch_size=[" in error.message)
    if raised(error, "TypeError", "multiple values for argument 'batch_size'") or labels_as_batch_size:
        fail("DataLoader(data, labels, batch_size=...) passes the labels as DataLoader's second positional "
             "argument, which is batch_size: DataLoader takes one dataset. Put the labels into the dataset's "
             "items and call DataLoader(dataset, batch_size=batch_size, shuffle=shuffle).",
             bug="dataloader-positional-misuse")
    if raised(error, "TypeError", "Encoding"):
        fail("The DataLoader was built over the tokenizer's BatchEncoding: indexing it with an int gives a "
             "tokenizers.Encoding, which default_collate cannot batch. Wrap the encodings and the labels in a "
             "Dataset whose items are dicts of tensors (EncodedDataset) and batch that.",
             bug="dataloader-over-batchencoding")


def labels_missing(described, what):
    fail(f"{what} has no 'labels' entry (it has {sorted(described['fields'])}), so the labels never reach the "
         f"model and outputs.loss is None: every item must carry its label under the key 'labels'.",
         bug="labels-not-in-batch")


def _int_value(value):
    """The integer a label field holds (a Python int or a 0-d/1-element integer tensor), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return None  # a float label: the model would not treat it as a class id
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iu":
        return int(value.reshape(-1)[0])
    return None


@pytest.mark.points(10)
@pytest.mark.bug("labels-not-in-batch")
def test_dataset_items(observe):
    """EncodedDataset has one item per text: a dict with that text's input_ids, attention_mask and integer label."""
    got = observe("dataset")
    n = len(got["labels"])
    if got["length"] != n:
        fail(f"EncodedDataset over {n} encoded texts with {n} labels should have len() == {n}, but it has "
             f"{got['length']}.")
    for i, item in enumerate(got["items"]):
        if not item["mapping"]:
            fail(f"EncodedDataset items should be dicts (so that the DataLoader batches them into dicts for "
                 f"model(**batch)), but item {i} is a {item['type']}.")
        fields = item["fields"]
        if "labels" not in fields:
            labels_missing(item, f"Item {i} of EncodedDataset")
        for key in ("input_ids", "attention_mask"):
            value = fields.get(key)
            if not isinstance(value, np.ndarray):
                fail(f"Item {i} of EncodedDataset should hold the tokenizer's {key} for that text as a tensor, but "
                     f"it holds {describe(value)}.")
            if not np.array_equal(value, got[key][i]):
                fail(f"Item {i}'s {key} is not row {i} of the encodings (got {describe(value)}): item i must "
                     f"hold the i-th text's tensors.")
        label = fields["labels"]
        if isinstance(label, np.ndarray) and label.dtype.kind == "f" or isinstance(label, float):
            fail(f"Item {i}'s label is a float ({describe(label)}); BertForSequenceClassification treats float "
                 f"labels as multi-label targets. Use integer class ids (torch.long).")
        if _int_value(label) != got["labels"][i] or (isinstance(label, np.ndarray) and label.ndim != 0):
            fail(f"Item {i}'s 'labels' should be its label as a 0-dimensional LongTensor (or an int), but it is "
                 f"{describe(label)}.")


@pytest.mark.points(5)
def test_dataset_rejects_length_mismatch(observe):
    """EncodedDataset raises ValueError when the number of labels differs from the number of encoded texts."""
    for count in (2, 4):
        raised_type = observe("mismatch", labels=count)["raised"]
        if raised_type != "ValueError":
            what = "raised nothing" if raised_type is None else f"raised {raised_type}"
            fail(f"EncodedDataset over 3 encoded texts with {count} labels {what}; it should raise ValueError, "
                 f"so that texts and labels can never silently shift against each other.")


def _check_batch(batch, index, max_rows, max_length):
    """The (token ids where attention_mask is 1, label) of every row of one batch, after checking its form."""
    if not batch["mapping"]:
        fail(f"Batch {index} is a {batch['type']}, not a dict: make the dataset's items dicts so that the "
             f"DataLoader yields dict batches for model(**batch).")
    fields = batch["fields"]
    if "labels" not in fields:
        labels_missing(batch, f"Batch {index} of the DataLoader")
    ids, mask, batch_labels = fields.get("input_ids"), fields.get("attention_mask"), fields["labels"]
    for key, value in (("input_ids", ids), ("attention_mask", mask)):
        if not isinstance(value, np.ndarray) or value.ndim != 2 or not 0 < value.shape[0] <= max_rows:
            fail(f"Batch {index}'s {key} should be a (batch, tokens) tensor with at most batch_size={max_rows} "
                 f"rows, but it is {describe(value)}.")
    if ids.shape != mask.shape:
        fail(f"Batch {index}'s input_ids and attention_mask should have the same shape, but they are "
             f"{ids.shape} and {mask.shape}.")
    if ids.shape[1] > max_length:
        fail(f"Batch {index} has {ids.shape[1]} tokens per text, more than max_length={max_length}: tokenise "
             f"with truncation=True and max_length=max_length.")
    size = ids.shape[0]
    if not isinstance(batch_labels, np.ndarray) or batch_labels.shape != (size,) or batch_labels.dtype.kind not in "iu":
        fail(f"Batch {index}'s labels should be an integer tensor of shape ({size},), but they are "
             f"{describe(batch_labels)}.")
    return [(tuple(int(t) for t in ids[row][mask[row] == 1]), int(batch_labels[row])) for row in range(size)]


def _compare_rows(rows, expected_ids, labels):
    """Fail unless the batches hold every text once, each with its own label (order not judged)."""
    want = [(tuple(ids), label) for ids, label in zip(expected_ids, labels, strict=True)]
    if len(rows) != len(want):
        fail(f"One epoch over {len(want)} texts should yield each text once, but the loader yielded {len(rows)} "
             f"texts (is the last, smaller batch dropped?).")
    if Counter(rows) == Counter(want):
        return want
    if Counter(ids for ids, _ in rows) == Counter(ids for ids, _ in want):
        fail("Some texts arrived in a batch with another text's label: keep each text and its label in the "
             "same dataset item, and shuffle whole items (DataLoader(dataset, shuffle=True)), never the texts "
             "and the labels separately.")
    fail("The token ids in the batches (where attention_mask is 1) are not the tokenizer's ids of the texts, "
         "truncated to max_length=12: tokenise the texts you are given with truncation=True and "
         "max_length=max_length (and pad them).")


@pytest.mark.points(20)
@pytest.mark.bug("dataloader-positional-misuse")
@pytest.mark.bug("dataloader-over-batchencoding")
@pytest.mark.bug("labels-not-in-batch")
def test_loader_batches(observe):
    """make_dataloader: 3 texts with batch_size 2 give 2 dict batches (2 then 1) of (B, T) tensors with labels."""
    recognise_loader_error(observe.error("batches", shuffle=False))
    got = observe("batches", shuffle=False)
    batches = got["batches"]
    rows = [row for index, batch in enumerate(batches) for row in _check_batch(batch, index, 2, 12)]
    if [len(_check_batch(b, i, 2, 12)) for i, b in enumerate(batches)] != [2, 1]:
        fail(f"3 texts with batch_size=2 should give 2 batches of 2 and 1 texts, but the loader gave "
             f"{len(batches)} batch(es) of {[len(_check_batch(b, i, 2, 12)) for i, b in enumerate(batches)]}.")
    want = _compare_rows(rows, got["expected_ids"], got["labels"])
    if rows != want:
        fail("Without shuffle=True the loader should keep the texts in the order given, but it reordered them.")


@pytest.mark.points(5)
@pytest.mark.bug("dataloader-positional-misuse")
@pytest.mark.bug("dataloader-over-batchencoding")
@pytest.mark.bug("labels-not-in-batch")
def test_shuffled_loader_keeps_pairs(observe):
    """With shuffle=True every text still arrives exactly once per epoch, with its own label, in a new order."""
    recognise_loader_error(observe.error("batches", shuffle=True))
    got = observe("batches", shuffle=True)
    orders = []
    for epoch in [got["batches"], *got["later_epochs"]]:
        rows = [row for index, batch in enumerate(epoch) for row in _check_batch(batch, index, 4, 12)]
        want = _compare_rows(rows, got["expected_ids"], got["labels"])
        orders.append(rows)
    # A real shuffle of 10 texts keeps the given order in all three epochs with probability (1/10!)**3.
    if all(rows == want for rows in orders):
        fail(f"With shuffle=True the loader yielded the {len(want)} texts in the order given in all "
             f"{len(orders)} epochs: shuffle when asked, e.g. DataLoader(dataset, batch_size=batch_size, "
             f"shuffle=shuffle).")
