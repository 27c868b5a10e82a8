"""Probes for bert_dataset_dataloader: the student's Dataset, DataLoader and loops on a tiny BERT.

Nothing is downloaded. The tokenizer is a ``BertTokenizer`` built from a small
in-memory vocabulary (its size is asserted: an offline ``from_pretrained``
silently returns a near-empty one); every model is a tiny
``BertForSequenceClassification`` (hidden size 32, one layer, two heads) built
here with seeded weights. ``train_epoch`` and ``predict`` are run on loaders
built here (dict batches with ``labels``), so that they are judged apart from
the student's own ``make_dataloader``; the end-to-end probe joins them. Probes
return evidence only; the checks judge it.
"""

import copy

from grader.probing import probe, seed_everything

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = (
    "the a this that movie film book song game plot was is very really so and it i not "
    "good great nice loved fun bad awful poor hated dull ok fine average plain"
).split()
MAX_POSITIONS = 32
NUM_LABELS = 3  # as in the snippet: negative (0), neutral (1), positive (2)

TEXTS = [
    ("the movie was really good", 2),
    ("a good book", 2),
    ("i loved this song it is great", 2),
    ("the game is great fun", 2),
    ("the film was really bad", 0),
    ("a bad book", 0),
    ("i hated this song it is awful", 0),
    ("the game is bad and dull", 0),
    ("the movie was ok", 1),
    ("an ok book", 1),
    ("this song is ok and plain", 1),
    ("the game is average it is ok", 1),
]
LEARN_TEXTS = [  # the end-to-end probe: two classes (a tiny 3-class BERT fits unreliably from scratch)
    ("the movie was really good", 1),
    ("a great book", 1),
    ("i loved this song", 1),
    ("the game is so fun", 1),
    ("that film was nice and fun", 1),
    ("it is good", 1),
    ("the movie was really bad", 0),
    ("an awful book", 0),
    ("i hated this song", 0),
    ("the game is so dull", 0),
    ("that film was poor and dull", 0),
    ("it is bad", 0),
]
LEARN_EPOCHS = 30
LEARN_LR = 2e-3
LONG_TEXT = "the movie was really good and the plot was fun and the song was nice and i loved it"


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _tokenizer():
    """A word-level BertTokenizer over WORDS (unknown words become [UNK])."""
    from transformers import BertTokenizer

    vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS + WORDS)}
    tokenizer = BertTokenizer(vocab=vocab, model_max_length=MAX_POSITIONS)
    if len(tokenizer) != len(vocab):
        raise RuntimeError(f"probe tokenizer has {len(tokenizer)} tokens instead of {len(vocab)}")
    return tokenizer


def _bert(seed, dropout=0.1, num_labels=NUM_LABELS):
    """A tiny BertForSequenceClassification with seeded weights, in eval mode (as from_pretrained gives it)."""
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig(
        vocab_size=len(SPECIAL_TOKENS) + len(WORDS), hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=MAX_POSITIONS,
        hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout, num_labels=num_labels,
    )
    seed_everything(seed)
    model = BertForSequenceClassification(config)
    model.eval()
    return model


def _value(value):
    """One field of a dataset item or batch, as plain data: a tensor stays one, an int stays one."""
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, bool):
        return {"type": "bool"}
    if isinstance(value, (int, float)):
        return value
    return {"type": type(value).__name__}


def _describe(item):
    """A dataset item or a batch: {"mapping": bool, "type", "fields": {key: plain value}}."""
    from collections.abc import Mapping

    if not isinstance(item, Mapping):
        return {"mapping": False, "type": type(item).__name__, "fields": {}}
    return {"mapping": True, "type": type(item).__name__,
            "fields": {str(key): _value(value) for key, value in item.items()}}


def _number(value):
    """A Python number, a 1-element tensor or a numpy scalar as a float; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "numel") and hasattr(value, "item") and value.numel() == 1:
        return float(value.item())
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "size", 0) == 1:
        return float(value.item())
    return None


def _number_list(value):
    """What a function returned, as {"type", "values"}: values is a list of floats, or None."""
    kind = type(value).__name__
    if hasattr(value, "tolist") and not isinstance(value, (list, tuple)):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return {"type": kind, "values": None}
    numbers = [_number(v) for v in value]
    if any(n is None for n in numbers):
        return {"type": kind, "values": None}
    return {"type": kind, "values": numbers}


def _probe_loader(tokenizer, pairs, batch_size):
    """A DataLoader built here: dict items (input_ids, token_type_ids, attention_mask, labels), in order."""
    torch = _torch()
    from torch.utils.data import DataLoader

    texts = [t for t, _ in pairs]
    encodings = tokenizer(texts, padding=True, truncation=True, max_length=16, return_tensors="pt")
    items = [{**{key: value[i] for key, value in encodings.items()}, "labels": torch.tensor(label)}
             for i, (_, label) in enumerate(pairs)]
    return DataLoader(items, batch_size=batch_size)


def _recorder(model):
    """Record [training mode, autograd on, got labels] at every forward call of model."""
    torch = _torch()
    calls = []

    def hook(module, args, kwargs):
        calls.append([bool(module.training), bool(torch.is_grad_enabled()), kwargs.get("labels") is not None])

    model.register_forward_pre_hook(hook, with_kwargs=True)
    return calls


def _flat(model):
    torch = _torch()
    return torch.cat([p.detach().reshape(-1).clone() for p in model.parameters()])


# ---------------------------------------------------------------- the dataset


@probe("dataset")
def dataset(student):
    """EncodedDataset over the tokenizer's output for 5 texts with labels [2, 0, 1, 1, 0]: len and every item."""
    tokenizer = _tokenizer()
    texts = [t for t, _ in TEXTS[:5]]
    labels = [2, 0, 1, 1, 0]
    encodings = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    data = student.EncodedDataset(encodings, labels)
    length = len(data)
    return {
        "length": length,
        "items": [_describe(data[i]) for i in range(min(length, len(texts)))],
        "input_ids": encodings["input_ids"],
        "attention_mask": encodings["attention_mask"],
        "labels": labels,
    }


@probe("mismatch", cases=[{"labels": 2}, {"labels": 4}])
def mismatch(student, labels):
    """EncodedDataset over the encodings of 3 texts with 2 or 4 labels: what it raised, if anything.

    Raising is the behaviour observed here, so the exception is caught.
    """
    tokenizer = _tokenizer()
    encodings = tokenizer(["a good film", "a bad film", "a plain film"], padding=True, return_tensors="pt")
    try:
        student.EncodedDataset(dict(encodings), [0, 1, 2, 1][:labels])
    except Exception as exc:  # noqa: BLE001 - the exception is the observation
        return {"raised": type(exc).__name__}
    return {"raised": None}


# ---------------------------------------------------------------- the loader


@probe("batches", cases=[{"shuffle": False}, {"shuffle": True}])
def batches(student, shuffle):
    """Every batch of make_dataloader (max_length 12), with the token ids each text should get.

    Unshuffled: 3 texts (the second longer than 12 tokens) in batches of 2.
    Shuffled: 10 texts in batches of 4, and the batches of two more epochs.
    """
    tokenizer = _tokenizer()
    if shuffle:
        pairs = TEXTS[:10]
        batch_size = 4
    else:
        pairs = [("a good film", 0), (LONG_TEXT, 2), ("the plot was plain", 1)]
        batch_size = 2
    texts = [t for t, _ in pairs]
    labels = [y for _, y in pairs]
    loader = student.make_dataloader(tokenizer, texts, labels, batch_size, shuffle=shuffle, max_length=12)
    seen = [_describe(batch) for batch in loader]
    # Shuffled: two more epochs, so that a loader that never reorders the texts can be told apart.
    later = [[_describe(batch) for batch in loader] for _ in range(2)] if shuffle else []
    return {
        "batches": seen,
        "later_epochs": later,
        "expected_ids": [tokenizer(t, truncation=True, max_length=12)["input_ids"] for t in texts],
        "labels": labels,
    }


# ---------------------------------------------------------------- train_epoch and predict


@probe("train_epoch")
def train_epoch(student):
    """One train_epoch with plain SGD (lr 0.5) over a loader built here: 8 texts in 2 batches of 4.

    The model (dropout 0) starts in eval mode. Returns what train_epoch returned,
    [training, autograd, labels given] of every forward call, the parameters
    before and after, and those after the same epoch run here without zeroing
    the gradients (to recognise that mistake).
    """
    torch = _torch()
    tokenizer = _tokenizer()
    model = _bert(seed=11, dropout=0.0)
    stale = copy.deepcopy(model)
    calls = _recorder(model)
    initial = _flat(model)
    pairs = TEXTS[:4] + TEXTS[4:8]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    returned = student.train_epoch(model, _probe_loader(tokenizer, pairs, 4), optimizer)

    stale.train()
    stale_optimizer = torch.optim.SGD(stale.parameters(), lr=0.5)
    for batch in _probe_loader(tokenizer, pairs, 4):
        stale(**batch).loss.backward()
        stale_optimizer.step()
    return {
        "returned": _number(returned),
        "returned_type": type(returned).__name__,
        "calls": calls,
        "initial": initial,
        "parameters": _flat(model),
        "without_zero_grad": _flat(stale),
    }


@probe("predict")
def predict(student):
    """predict twice on a model with dropout 0.5 in training mode; 10 texts in batches of 4, 4 and 2.

    The batches hold labels too. Returns both results, [training, autograd,
    labels given] of every forward call, and the model's own eval-mode classes
    (computed here afterwards).
    """
    torch = _torch()
    tokenizer = _tokenizer()
    model = _bert(seed=12, dropout=0.5)
    model.train()
    calls = _recorder(model)
    pairs = TEXTS[:10]
    first = student.predict(model, _probe_loader(tokenizer, pairs, 4))
    second = student.predict(model, _probe_loader(tokenizer, pairs, 4))
    seen = list(calls)
    model.eval()
    with torch.no_grad():
        encodings = tokenizer([t for t, _ in pairs], padding=True, truncation=True, max_length=16,
                              return_tensors="pt")
        expected = model(**encodings).logits.argmax(dim=-1)
    return {"first": _number_list(first), "second": _number_list(second), "calls": seen, "classes": expected}


# ---------------------------------------------------------------- end to end


@probe("learn", cases=[{"seed": 0}], timeout=15)
def learn(student, seed):
    """make_dataloader (12 texts, 2 classes, batches of 4, shuffled), then 30 train_epoch calls (AdamW, lr 2e-3).

    The model has no dropout, so that the eval-mode fit judged here is the one
    training reached.

    Returns the losses train_epoch returned and the trained model's eval-mode
    logits on the 12 texts (computed here) with their labels.
    """
    torch = _torch()
    tokenizer = _tokenizer()
    model = _bert(seed=seed, dropout=0.0, num_labels=2)
    texts = [t for t, _ in LEARN_TEXTS]
    labels = [y for _, y in LEARN_TEXTS]
    loader = student.make_dataloader(tokenizer, texts, labels, 4, shuffle=True, max_length=16)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARN_LR)
    losses = [_number(student.train_epoch(model, loader, optimizer)) for _ in range(LEARN_EPOCHS)]
    model.eval()
    with torch.no_grad():
        logits = model(**tokenizer(texts, padding=True, return_tensors="pt")).logits
    return {"losses": losses, "logits": logits, "labels": torch.tensor(labels)}


# ---------------------------------------------------------------- the learning rate


@probe("default_lr")
def default_lr(student):
    """The module's DEFAULT_LR constant."""
    value = student.DEFAULT_LR
    return {"value": _number(value), "type": type(value).__name__}
