"""Probes for bert_classifier_head: the student's head, batches, fine-tuning and prediction on a tiny BERT.

Nothing is downloaded. The tokenizer is a ``BertTokenizer`` over a small
vocabulary of Chinese characters (as bert-base-chinese splits Chinese text into
characters; its size is asserted), and every encoder is a tiny ``BertModel``
(hidden size 32, one layer, two heads) built here with seeded weights and put
in eval mode, as ``from_pretrained`` returns it. ``fine_tune`` and ``predict``
are judged on a ``ProbeClassifier`` built here (so that they are judged apart
from the student's ``BertClassifier``); the learning and freezing probes join
the student's pieces. Data loaders are ``TensorDataset`` loaders, as in the
snippet, so batches are lists. Probes return evidence only; the checks judge it.
"""

import copy

from grader.probing import probe, seed_everything

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CHARACTERS = list("你好天气很坏今真不错心情电影饭菜服务非常太差棒糟我喜欢讨厌这部的是")
HIDDEN = 32
MAX_POSITIONS = 32

TEXTS = [
    ("天气很好", 1), ("心情很好", 1), ("电影真棒", 1), ("饭菜不错", 1),
    ("服务非常好", 1), ("我喜欢这部电影", 1), ("今天真好", 1), ("饭菜很棒", 1),
    ("天气很坏", 0), ("心情很差", 0), ("电影真糟", 0), ("饭菜太差", 0),
    ("服务非常差", 0), ("我讨厌这部电影", 0), ("今天真糟", 0), ("饭菜很坏", 0),
]
LEARN_EPOCHS = 25
LEARN_LR = 2e-3


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _tokenizer():
    """A character-level BertTokenizer (Chinese characters are split one by one)."""
    from transformers import BertTokenizer

    vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS + CHARACTERS)}
    tokenizer = BertTokenizer(vocab=vocab, model_max_length=MAX_POSITIONS)
    if len(tokenizer) != len(vocab):
        raise RuntimeError(f"probe tokenizer has {len(tokenizer)} tokens instead of {len(vocab)}")
    return tokenizer


def _encoder(seed, dropout=0.1):
    """A tiny BertModel with seeded weights, in eval mode (as from_pretrained returns it)."""
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=len(SPECIAL_TOKENS) + len(CHARACTERS), hidden_size=HIDDEN, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=MAX_POSITIONS,
        hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout,
    )
    seed_everything(seed)
    encoder = BertModel(config)
    encoder.eval()
    return encoder


def _encode(tokenizer, texts):
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    return batch["input_ids"], batch["attention_mask"]


def _loader(tensors, batch_size, seed=None):
    """A DataLoader over a TensorDataset: its batches are lists of tensors, as in the snippet."""
    torch = _torch()
    from torch.utils.data import DataLoader, TensorDataset

    generator = None if seed is None else torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(*tensors), batch_size=batch_size, shuffle=seed is not None,
                      generator=generator)


def _probe_classifier(encoder, num_labels, calls, dropout=0.1, watch=None):
    """A classifier with BertClassifier's interface, built here; records [training, autograd] per forward.

    watch, if given, is called with (input_ids, logits) at every forward with autograd on.
    """
    torch = _torch()
    from torch import nn

    class ProbeClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(dropout)
            self.classifier = nn.Linear(HIDDEN, num_labels)
            self.num_labels = num_labels
            self.config = copy.deepcopy(encoder.config)
            self.config.num_labels = num_labels

        @property
        def device(self):  # as on a transformers model: code may move its inputs to model.device
            return self.classifier.weight.device

        def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
            calls.append([bool(self.training), bool(torch.is_grad_enabled())])
            pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).pooler_output
            logits = self.classifier(self.dropout(pooled))
            if watch is not None and torch.is_grad_enabled():
                watch(input_ids, logits)
            loss = None if labels is None else nn.functional.cross_entropy(logits, labels)
            return {"loss": loss, "logits": logits}

        def __repr__(self):  # keeps error messages about this model one line long
            return "ProbeClassifier()"

    return ProbeClassifier()


def _array(value):
    """A returned value as plain data: tensors (detached) stay tensors; anything else is described."""
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return value.detach()
    if value is None:
        return None
    return {"type": type(value).__name__}


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "numel") and hasattr(value, "item") and value.numel() == 1:
        return float(value.item())
    return None


def _flat(parameters):
    torch = _torch()
    return torch.cat([p.detach().reshape(-1).clone() for p in parameters])


# ---------------------------------------------------------------- the classifier


@probe("forward", cases=[{"num_labels": 3, "labels": False}, {"num_labels": 3, "labels": True},
                         {"num_labels": 2, "labels": False}, {"num_labels": 2, "labels": True}])
def forward(student, num_labels, labels):
    """BertClassifier(encoder, num_labels) in eval mode on 4 texts, without or with labels.

    Also returns, as evidence, what the encoder alone gives for the same batch
    (the shape, mean and sum of its last hidden state) and, with labels, the
    cross-entropy of the student's own logits with the labels (computed here).
    """
    torch = _torch()
    from collections.abc import Mapping

    tokenizer = _tokenizer()
    encoder = _encoder(seed=21)
    model = student.BertClassifier(encoder, num_labels)
    model.eval()
    input_ids, attention_mask = _encode(tokenizer, [t for t, _ in TEXTS[:2] + TEXTS[8:10]])
    targets = torch.randint(0, num_labels, (4,), generator=torch.Generator().manual_seed(num_labels))
    with torch.no_grad():
        if labels:
            output = model(input_ids=input_ids, attention_mask=attention_mask, labels=targets)
        else:
            output = model(input_ids=input_ids, attention_mask=attention_mask)
        hidden = encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    result = {"type": type(output).__name__, "mapping": isinstance(output, Mapping), "labels": targets,
              "hidden_shape": list(hidden.shape), "hidden_mean": float(hidden.mean()),
              "hidden_sum": float(hidden.sum())}
    if not result["mapping"]:
        return result
    logits = output.get("logits")
    result["keys"] = sorted(str(k) for k in output.keys())
    result["logits"] = _array(logits)
    result["loss"] = _array(output.get("loss"))
    result["cross_entropy"] = None
    if isinstance(logits, torch.Tensor) and logits.dim() == 2 and logits.shape[0] == 4 and logits.shape[1] > 1:
        result["cross_entropy"] = float(torch.nn.functional.cross_entropy(logits.float(), targets))
    return result


# ---------------------------------------------------------------- batches


@probe("batch_to_inputs", cases=[{"form": "tuple"}, {"form": "list"}, {"form": "dict"}])
def batch_to_inputs(student, form):
    """batch_to_inputs on an (input_ids, attention_mask) tuple, a TensorDataset list batch with labels, or a dict."""
    from collections.abc import Mapping

    tokenizer = _tokenizer()
    input_ids, attention_mask = _encode(tokenizer, [t for t, _ in TEXTS[:3]])
    labels = _torch().tensor([1, 1, 0])
    if form == "tuple":
        batch = (input_ids, attention_mask)
    elif form == "list":
        batch = next(iter(_loader((input_ids, attention_mask, labels), batch_size=3)))
    else:
        batch = {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
    returned = student.batch_to_inputs(batch)
    if not isinstance(returned, Mapping):
        return {"mapping": False, "type": type(returned).__name__, "fields": {}}
    return {"mapping": True, "type": type(returned).__name__,
            "fields": {str(key): _array(value) for key, value in returned.items()},
            "input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


# ---------------------------------------------------------------- fine_tune and predict


@probe("fine_tune")
def fine_tune(student):
    """fine_tune of a ProbeClassifier (in eval mode first) for 2 epochs at lr 3e-4 on 16 texts in batches of 4.

    Returns what fine_tune returned, [training, autograd] of every forward call,
    how far the parameters moved, and for every forward with autograd on the
    cross-entropy of that batch (computed here from the logits and the labels of
    its texts, whether or not fine_tune passed labels) and how far the parameters
    had moved before it (so the first optimizer step's size can be read off).
    """
    torch = _torch()
    tokenizer = _tokenizer()
    calls = []
    steps = []
    input_ids, attention_mask = _encode(tokenizer, [t for t, _ in TEXTS])
    labels = torch.tensor([y for _, y in TEXTS])
    targets = {tuple(row.tolist()): int(y) for row, y in zip(input_ids, labels, strict=True)}

    def watch(ids, logits):
        rows = [targets.get(tuple(row.tolist())) for row in ids]
        loss = None
        if None not in rows and logits.dim() == 2:
            loss = float(torch.nn.functional.cross_entropy(logits.detach(), torch.tensor(rows)))
        steps.append([loss, float((_flat(model.parameters()) - before).abs().max())])

    model = _probe_classifier(_encoder(seed=22), 2, calls, watch=watch)
    model.eval()
    before = _flat(model.parameters())
    returned = student.fine_tune(model, _loader((input_ids, attention_mask, labels), 4, seed=23),
                                 epochs=2, lr=3e-4)  # not a learning rate one would hard-code
    values = None
    if isinstance(returned, (list, tuple)) and all(_number(v) is not None for v in returned):
        values = [_number(v) for v in returned]
    return {"returned": values, "returned_type": type(returned).__name__, "calls": calls,
            "change": float((_flat(model.parameters()) - before).abs().max()), "steps": steps, "lr": 3e-4}


@probe("predict")
def predict(student):
    """predict twice with a ProbeClassifier (dropout 0.5, in training mode) on 10 texts in batches of 4, 4 and 2.

    The batches are (input_ids, attention_mask) lists. Returns both results,
    [training, autograd] of every forward call, and the model's own eval-mode
    classes (computed here afterwards).
    """
    torch = _torch()
    tokenizer = _tokenizer()
    calls = []
    model = _probe_classifier(_encoder(seed=24, dropout=0.5), 3, calls, dropout=0.5)
    model.train()
    input_ids, attention_mask = _encode(tokenizer, [t for t, _ in TEXTS[3:13]])
    first = student.predict(model, _loader((input_ids, attention_mask), 4))
    second = student.predict(model, _loader((input_ids, attention_mask), 4))
    seen = list(calls)
    model.eval()
    with torch.no_grad():
        classes = model(input_ids=input_ids, attention_mask=attention_mask)["logits"].argmax(dim=-1)

    def described(value):
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, int) for v in value):
            return {"type": type(value).__name__, "value": torch.tensor(list(value))}
        return {"type": type(value).__name__, "value": _array(value)}

    return {"first": described(first), "second": described(second), "calls": seen, "classes": classes,
            "hidden_size": HIDDEN}


# ---------------------------------------------------------------- the whole classifier


@probe("freeze")
def freeze(student):
    """BertClassifier(encoder, 2, freeze_encoder=True) fine-tuned with fine_tune for 2 epochs at lr 1e-2.

    Returns the largest change of the encoder's parameters and of the
    classifier's other parameters (its head), and how many head parameters there are.
    """
    torch = _torch()
    tokenizer = _tokenizer()
    encoder = _encoder(seed=25)
    model = student.BertClassifier(encoder, 2, freeze_encoder=True)
    encoder_ids = {id(p) for p in encoder.parameters()}
    head = [p for p in model.parameters() if id(p) not in encoder_ids]
    encoder_before = _flat(encoder.parameters())
    head_before = _flat(head) if head else None
    input_ids, attention_mask = _encode(tokenizer, [t for t, _ in TEXTS])
    labels = torch.tensor([y for _, y in TEXTS])
    student.fine_tune(model, _loader((input_ids, attention_mask, labels), 4, seed=26), epochs=2, lr=1e-2)
    return {
        "encoder_change": float((_flat(encoder.parameters()) - encoder_before).abs().max()),
        "head_change": float((_flat(head) - head_before).abs().max()) if head else None,
        "head_parameters": sum(p.numel() for p in head),
    }


@probe("learn", cases=[{"seed": 0}], timeout=15)
def learn(student, seed):
    """BertClassifier on a fresh encoder, fine_tune for 25 epochs at lr 2e-3 on 16 texts (2 classes, batches of 4).

    Returns the epoch losses and the trained classifier's eval-mode logits on
    the 16 texts (computed here) with their labels.
    """
    torch = _torch()
    tokenizer = _tokenizer()
    model = student.BertClassifier(_encoder(seed=seed, dropout=0.0), 2, dropout=0.0)
    input_ids, attention_mask = _encode(tokenizer, [t for t, _ in TEXTS])
    labels = torch.tensor([y for _, y in TEXTS])
    losses = student.fine_tune(model, _loader((input_ids, attention_mask, labels), 4, seed=27 + seed),
                               epochs=LEARN_EPOCHS, lr=LEARN_LR)
    model.eval()
    with torch.no_grad():
        logits = model(input_ids=input_ids, attention_mask=attention_mask)["logits"]
    return {"losses": [_number(v) for v in losses] if isinstance(losses, (list, tuple)) else None,
            "logits": logits.detach(), "labels": labels}
