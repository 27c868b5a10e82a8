"""Probes for bert_finetune_loop: run the student's loops on a tiny BERT and a word tokenizer.

Nothing is downloaded. The tokenizer is a ``BertTokenizer`` built from a small
in-memory vocabulary (its size is asserted: an offline ``from_pretrained``
silently returns a near-empty one), and every model is built here: a tiny
``BertForSequenceClassification`` (hidden size 32, one layer, two heads) with
seeded weights, or a ``MarkerClassifier`` whose answers are known in advance
(class k when the text holds class k's marker word, whatever the batch and the
padding). Data are fixed lists of sentences; labels come from a private
``torch.Generator``. Probes return evidence only; the checks judge it.
"""

from grader.probing import probe, seed_everything

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = (
    "the a movie film plot story acting music was is very really quite so and it i "
    "good great nice fine fun loved liked bad awful poor dull boring hated"
).split()
MAX_POSITIONS = 32
MARKERS = ["bad", "good", "fine"]  # MarkerClassifier: class k when MARKERS[k] is in the text

TRAIN_TEXTS = [
    ("the movie was really good", 1),
    ("a great film", 1),
    ("the acting is very nice", 1),
    ("i loved the music", 1),
    ("the plot was fun and the story was fine", 1),
    ("it is so good", 1),
    ("the movie was really bad", 0),
    ("a dull film", 0),
    ("the acting is very poor", 0),
    ("i hated the music", 0),
    ("the plot was boring and the story was awful", 0),
    ("it is so bad", 0),
]
LONG_TEXT = " ".join(["the movie was really good and the music was fine"] * 5)  # about 50 tokens


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _tokenizer():
    """A word-level BertTokenizer over WORDS that truncates to the model's 32 positions."""
    from transformers import BertTokenizer

    vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS + WORDS)}
    tokenizer = BertTokenizer(vocab=vocab, model_max_length=MAX_POSITIONS)
    if len(tokenizer) != len(vocab):
        raise RuntimeError(f"probe tokenizer has {len(tokenizer)} tokens instead of {len(vocab)}")
    return tokenizer


def _bert(seed, num_labels=2, dropout=0.1):
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


def _marker_classifier(tokenizer, num_labels):
    """A model with BertForSequenceClassification's call signature whose answers are known.

    Its logits favour class k when MARKERS[k] occurs in the text (one marker per
    text), so its predictions depend neither on the batch nor on the padding.
    """
    torch = _torch()
    from torch import nn
    from transformers import BertConfig
    from transformers.modeling_outputs import SequenceClassifierOutput

    marker_ids = tokenizer.convert_tokens_to_ids(MARKERS[:num_labels])

    class MarkerClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(()))
            self.register_buffer("markers", torch.tensor(marker_ids))
            self.num_labels = num_labels
            self.config = BertConfig(vocab_size=len(tokenizer), num_labels=num_labels,
                                     max_position_embeddings=MAX_POSITIONS)

        @property
        def device(self):  # as on a transformers model: code may move its inputs to model.device
            return self.scale.device

        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
            present = (input_ids.unsqueeze(-1) == self.markers).any(dim=1).float()
            logits = self.scale * (4.0 * present - 2.0)
            loss = None if labels is None else nn.functional.cross_entropy(logits, labels.long())
            return SequenceClassifierOutput(loss=loss, logits=logits)

        def __repr__(self):
            return "MarkerClassifier()"

    return MarkerClassifier()


def _recorder(model):
    """Record, at every forward call of model, whether it ran in training mode and with autograd on.

    Returns a dict of lists; calls are recorded under the key held in its
    "phase" entry (so a probe can tell which function made them).
    """
    torch = _torch()
    seen = {"phase": "calls"}

    def hook(module, args, kwargs):
        seen.setdefault(seen["phase"], []).append([bool(module.training), bool(torch.is_grad_enabled())])

    model.register_forward_pre_hook(hook, with_kwargs=True)
    return seen


def _number(value):
    """A Python number, a 1-element tensor or a numpy scalar as a float; anything else unchanged."""
    if isinstance(value, bool):
        return value
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
    if any(n is None or isinstance(n, bool) for n in numbers):
        return {"type": kind, "values": None}
    return {"type": kind, "values": numbers}


def _max_change(before, model):
    return max(float((p.detach() - b).abs().max()) for p, b in zip(model.parameters(), before, strict=True))


def _eval_predictions(model, tokenizer, texts):
    """The model's own eval-mode classes for texts, computed here (not by the student's predict)."""
    torch = _torch()
    model.eval()
    with torch.no_grad():
        logits = model(**tokenizer(texts, padding=True, truncation=True, return_tensors="pt")).logits
    return logits


def _batch_losses(model, tokenizer, texts, labels):
    """A list that gets, at every forward of model with autograd on, the cross-entropy of that batch.

    Computed here from the logits and the labels of the batch's texts (recognised by their
    token ids), so it is there whether the student passed labels= or not; None for a batch
    whose texts it does not recognise.
    """
    torch = _torch()
    encoded = tokenizer(list(texts), truncation=True)["input_ids"]
    targets = {tuple(ids): int(y) for ids, y in zip(encoded, labels, strict=True)}
    pad = tokenizer.pad_token_id
    losses = []

    def hook(module, args, kwargs, output):
        if not torch.is_grad_enabled():
            return
        ids = kwargs.get("input_ids", args[0] if args else None)
        logits = getattr(output, "logits", None)
        rows = [None] if ids is None else [targets.get(tuple(i for i in row.tolist() if i != pad)) for row in ids]
        if None in rows or logits is None:
            losses.append(None)
        else:
            losses.append(float(torch.nn.functional.cross_entropy(logits.detach(), torch.tensor(rows))))

    model.register_forward_hook(hook, with_kwargs=True)
    return losses


# ---------------------------------------------------------------- training


@probe("train", cases=[{"seed": 0}], timeout=15)
def train(student, seed):
    """train_classifier on the 12 toy sentences: 40 epochs of batches of 4 at lr 2e-3.

    The model starts in eval mode, as from_pretrained returns it. Returns what
    train_classifier returned, the largest parameter change, the mode of every
    forward call during training, and the trained model's eval-mode logits on
    the training sentences (computed here) with their labels.
    """
    torch = _torch()
    tokenizer = _tokenizer()
    model = _bert(seed)
    seen = _recorder(model)
    before = [p.detach().clone() for p in model.parameters()]
    texts = [t for t, _ in TRAIN_TEXTS]
    labels = [y for _, y in TRAIN_TEXTS]
    batch_losses = _batch_losses(model, tokenizer, texts, labels)
    returned = student.train_classifier(model, tokenizer, texts, labels, epochs=40, batch_size=4, lr=2e-3,
                                        seed=seed)
    calls = list(seen.get("calls", []))
    return {
        "returned": _number_list(returned),
        "batch_losses": batch_losses,
        "change": _max_change(before, model),
        "calls": calls,
        "logits": _eval_predictions(model, tokenizer, texts),
        "labels": torch.tensor(labels),
    }


# ---------------------------------------------------------------- evaluation


@probe("accuracy")
def accuracy(student):
    """evaluate_accuracy of the MarkerClassifier on 8 texts in batches of 3, 3 and 2.

    The labels are set so that the classifier is right on 3, 1 and 1 texts of
    the three batches (5 of 8 in all). Returns the value and, as evidence for
    the judge, the per-batch correct counts and sizes.
    """
    tokenizer = _tokenizer()
    model = _marker_classifier(tokenizer, 2)
    predicted = [1, 0, 1, 1, 0, 0, 1, 0]
    right = [1, 1, 1, 1, 0, 0, 0, 1]
    texts = [
        "the movie was good", "a bad film", "it is so good",
        "i liked the good music", "the plot was bad", "the acting is bad",
        "a good story", "the music was bad",
    ]
    labels = [p if r else 1 - p for p, r in zip(predicted, right, strict=True)]
    returned = student.evaluate_accuracy(model, tokenizer, texts, labels, batch_size=3)
    return {
        "returned": _number(returned),
        "type": type(returned).__name__,
        "batch_correct": [3, 1, 1],
        "batch_sizes": [3, 3, 2],
    }


@probe("evaluation")
def evaluation(student):
    """predict and evaluate_accuracy, each called twice, on a tiny BERT with dropout 0.5 in training mode.

    16 texts in batches of 8 (equal batches: the per-batch mean is the overall
    accuracy here). Returns what they returned, [training mode, autograd on] of
    every forward call each function made, and the model's own eval-mode classes
    (computed here afterwards).
    """
    torch = _torch()
    tokenizer = _tokenizer()
    model = _bert(seed=5, dropout=0.5)
    model.train()
    seen = _recorder(model)
    texts = [t for t, _ in TRAIN_TEXTS] + ["a fine movie", "the story was dull", "i liked it", "so boring"]
    labels = torch.randint(0, 2, (len(texts),), generator=torch.Generator().manual_seed(7)).tolist()
    seen["phase"] = "predict"
    first = student.predict(model, tokenizer, texts, batch_size=8)
    second = student.predict(model, tokenizer, texts, batch_size=8)
    seen["phase"] = "evaluate"
    accuracy_first = student.evaluate_accuracy(model, tokenizer, texts, labels, batch_size=8)
    accuracy_second = student.evaluate_accuracy(model, tokenizer, texts, labels, batch_size=8)
    seen["phase"] = "probe"
    expected = _eval_predictions(model, tokenizer, texts).argmax(dim=-1)
    return {
        "first": _number_list(first),
        "second": _number_list(second),
        "accuracy_first": _number(accuracy_first),
        "accuracy_second": _number(accuracy_second),
        "predict_calls": seen.get("predict", []),
        "evaluate_calls": seen.get("evaluate", []),
        "eval_classes": expected,
        "eval_accuracy": float((expected == torch.tensor(labels)).float().mean()),
    }


@probe("predict")
def predict(student):
    """predict with the MarkerClassifier (3 classes) on 10 texts in batches of 4, 4 and 2."""
    tokenizer = _tokenizer()
    model = _marker_classifier(tokenizer, 3)
    texts = [
        "a fine film", "the movie was good", "the plot was bad", "it is good", "so bad",
        "the music was fine", "the story is good", "a bad movie", "the acting was fine and fun", "good",
    ]
    returned = student.predict(model, tokenizer, texts, batch_size=4)
    return {"returned": _number_list(returned), "classes": [next(k for k, m in enumerate(MARKERS)
                                                                 if m in t.split()) for t in texts]}


@probe("long_texts", cases=[{"part": "predict"}, {"part": "train"}])
def long_texts(student, part):
    """predict, or one epoch of train_classifier, on texts one of which is longer than the model's 32 positions."""
    tokenizer = _tokenizer()
    model = _bert(seed=3)
    texts = ["a good film", LONG_TEXT, "the plot was bad", "i hated it"]
    if part == "predict":
        return _number_list(student.predict(model, tokenizer, texts, batch_size=4))
    losses = student.train_classifier(model, tokenizer, texts, [1, 1, 0, 0], epochs=1, batch_size=4, lr=1e-3)
    return _number_list(losses)
