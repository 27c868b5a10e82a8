"""Probes for spectrogram_keyword_cnn: run the student's keyword spotter on synthetic spectrograms.

Every input comes from a private ``torch.Generator`` (the student's own random
calls cannot shift it). ``train_epoch``, ``evaluate`` and ``predict_keywords``
are run on small models built here with fixed weights, so that their
observations can be compared with the reference solution's; ``KeywordCNN``
is observed through its shapes, its construction and what it learns. Probes
return evidence only; the checks judge it.
"""

import copy
import math

from grader.probing import probe, seed_everything

KEYWORDS = ["up", "down", "stay", "go"]


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _number(value):
    """A 1-element tensor or numpy scalar as a float; anything else unchanged."""
    if hasattr(value, "numel") and hasattr(value, "item") and value.numel() == 1:
        return float(value.item())
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "size", 0) == 1:
        return float(value.item())
    return value


def _flat_parameters(model):
    torch = _torch()
    return torch.cat([p.detach().reshape(-1).clone() for p in model.parameters()])


def _fill_parameters(model, generator, scale=0.3):
    torch = _torch()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * scale)


def _loader(x, y, batch_size, shuffle=False, seed=0):
    torch = _torch()
    from torch.utils.data import DataLoader, TensorDataset

    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=shuffle, generator=generator)


def _plain(value):
    """What a student's return value is, as plain data: str, int, float, list, array; else its type name."""
    torch = _torch()
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, torch.Tensor):
        return value.detach()
    if type(value).__module__ == "numpy":
        if hasattr(value, "shape") and value.shape:
            # arrays of str or objects cannot travel as arrays: name them instead
            return value if value.dtype.kind in "biuf" else {"unsupported": f"numpy array of {value.dtype}"}
        return _number(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value[:64]]
    return {"unsupported": type(value).__name__}


# ---------------------------------------------------------------- KeywordCNN


_LOADERS = (("torch", "load"), ("torch.hub", "load"), ("torch.hub", "load_state_dict_from_url"),
            ("torch.hub", "download_url_to_file"))


@probe("build")
def build(student):
    """Build KeywordCNN(40, 101, 4); record every call of torch's checkpoint loaders meanwhile."""
    torch = _torch()
    import importlib

    calls, saved = [], []
    for module_name, attr in _LOADERS:
        module = importlib.import_module(module_name)
        original = getattr(module, attr)

        def recording(*args, _name=f"{module_name}.{attr}", _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        saved.append((module, attr, original))
        setattr(module, attr, recording)
    try:
        model = student.KeywordCNN(40, 101, 4)
    finally:
        for module, attr, original in saved:
            setattr(module, attr, original)
    is_module = isinstance(model, torch.nn.Module)
    params = list(model.parameters()) if is_module else []
    return {
        "is_module": is_module,
        "type": type(model).__name__,
        "parameters": _count(params),
        "trainable": _count(p for p in params if p.requires_grad),
        "lazy": sum(_is_lazy(p) for p in params),
        "loader_calls": calls,
    }


def _is_lazy(parameter):
    """Whether a parameter is an nn.Lazy* module's placeholder (sized at the first forward pass)."""
    from torch.nn.parameter import is_lazy

    return bool(is_lazy(parameter))


def _count(params):
    """The number of scalars in the parameters whose size is known (lazy ones have none yet)."""
    return int(sum(p.numel() for p in params if not _is_lazy(p)))


def _parameter_count(student, n_mels, n_frames):
    """Parameters of a fresh KeywordCNN(n_mels, n_frames, 4), or None when some are lazy.

    A model whose first Linear layer is sized for one fixed input has the same
    count for every size: the evidence of a hard-coded flatten size.
    """
    _torch()
    params = list(student.KeywordCNN(n_mels, n_frames, 4).parameters())
    return None if any(_is_lazy(p) for p in params) else _count(params)


PUBLIC_FORWARD_CASES = [
    {"n_mels": 40, "n_frames": 101},
    {"n_mels": 24, "n_frames": 24},
]


@probe("parameters_public", cases=PUBLIC_FORWARD_CASES)
def parameters_public(student, n_mels, n_frames):
    """How many parameters KeywordCNN(n_mels, n_frames, 4) has (None if lazy): does the model follow the size?"""
    return _parameter_count(student, n_mels, n_frames)


@probe("forward_public", cases=PUBLIC_FORWARD_CASES)
def forward_public(student, n_mels, n_frames):
    """Logits of a fresh KeywordCNN(n_mels, n_frames, 4) for 2 standard-normal spectrograms (the public check)."""
    torch = _torch()
    x = torch.randn(2, 1, n_mels, n_frames, generator=torch.Generator().manual_seed(7))
    return _plain(student.KeywordCNN(n_mels, n_frames, 4)(x))


FORWARD_CASES = [
    {"n_mels": 28, "n_frames": 28, "num_classes": 10, "batch": 3},
    {"n_mels": 24, "n_frames": 24, "num_classes": 10, "batch": 2},
    {"n_mels": 9, "n_frames": 13, "num_classes": 3, "batch": 2},
    {"n_mels": 64, "n_frames": 48, "num_classes": 12, "batch": 2},
]


@probe("parameters", cases=[{"n_mels": c["n_mels"], "n_frames": c["n_frames"]} for c in FORWARD_CASES])
def parameters(student, n_mels, n_frames):
    """How many parameters KeywordCNN(n_mels, n_frames, 4) has (None if lazy), for each size of ``forward``."""
    return _parameter_count(student, n_mels, n_frames)


@probe("forward", cases=FORWARD_CASES)
def forward(student, n_mels, n_frames, num_classes, batch):
    """Logits of a fresh KeywordCNN(n_mels, n_frames, num_classes) for a batch of its spectrograms."""
    torch = _torch()
    g = torch.Generator().manual_seed(n_mels * 1000 + n_frames)
    x = torch.randn(batch, 1, n_mels, n_frames, generator=g)
    model = student.KeywordCNN(n_mels, n_frames, num_classes)
    return _plain(model(x))


# ---------------------------------------------------------------- train_epoch


def _tiny_net(generator):
    """A small conv net with BatchNorm on (1, 6, 8) spectrograms, fixed weights, 3 classes."""
    from torch import nn

    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 6, 3))
    _fill_parameters(model, generator)
    return model


def _recording_criterion():
    """CrossEntropyLoss that also records (loss, batch size) of every call."""
    torch = _torch()
    calls = []

    class RecordingCrossEntropy(torch.nn.CrossEntropyLoss):
        def forward(self, outputs, targets):
            loss = super().forward(outputs, targets)
            calls.append([float(loss.detach()), int(targets.shape[0])])
            return loss

    return RecordingCrossEntropy(), calls


def _sgd_epoch(model, loader, lr, zero_grad=True, train_mode=True):
    """The epoch as a loop with one known mistake (or none) would run it: evidence for the judge."""
    torch = _torch()
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    model.train(train_mode)
    for x, y in loader:
        if zero_grad:
            optimizer.zero_grad()
        criterion(model(x), y).backward()
        optimizer.step()
    return _flat_parameters(model)


@probe("train_epoch")
def train_epoch(student):
    """One epoch of plain SGD (lr 0.1) over 10 spectrograms in batches of 4, 4 and 2.

    The model has BatchNorm and is handed over in eval mode (as after an
    evaluation), so a loop that never switches to training mode moves it
    differently. Returns what train_epoch returned, the loss and batch size of
    every call of the criterion, the parameters before and after, and the
    parameters that a loop without zero_grad, or left in eval mode, reaches.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(21)
    model = _tiny_net(g)
    x = torch.randn(10, 1, 6, 8, generator=g)
    y = torch.randint(0, 3, (10,), generator=g)
    lr = 0.1
    no_zero_grad, eval_mode = copy.deepcopy(model), copy.deepcopy(model)
    model.eval()
    initial = _flat_parameters(model)
    criterion, calls = _recording_criterion()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    returned = student.train_epoch(model, _loader(x, y, 4), optimizer, criterion)
    return {
        "returned": _plain(_number(returned)),
        "criterion_calls": calls,
        "parameters": _flat_parameters(model),
        "initial": initial,
        "without_zero_grad": _sgd_epoch(no_zero_grad, _loader(x, y, 4), lr, zero_grad=False),
        "in_eval_mode": _sgd_epoch(eval_mode, _loader(x, y, 4), lr, train_mode=False),
    }


# ---------------------------------------------------------------- evaluate


def _lookup_net(record=None):
    """Logits = 4 chosen input values, then BatchNorm1d (fresh: the identity in eval mode).

    A 1x1 Conv2d with one input channel comes first, so the input needs its
    channel axis, as for a real CNN. In training mode the batch norm
    standardises each batch, which changes the predicted classes. ``record``
    (a list) receives torch.is_grad_enabled() at every forward.
    """
    torch = _torch()
    from torch import nn

    class LookupNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.channel = nn.Conv2d(1, 1, 1, bias=False)
            self.select = nn.Linear(12, 4, bias=False)
            self.norm = nn.BatchNorm1d(4, affine=False)
            with torch.no_grad():
                self.channel.weight.fill_(1.0)
                self.select.weight.zero_()
                self.select.weight[:, :4] = torch.eye(4)

        def forward(self, x):
            if record is not None:
                record.append(torch.is_grad_enabled())
            return self.norm(self.select(self.channel(x).flatten(1)))

    return LookupNet()


def _lookup_inputs(predicted, generator):
    """(N, 1, 3, 4) spectrograms for which the eval-mode lookup net predicts ``predicted``."""
    torch = _torch()
    predicted = torch.tensor(predicted)
    x = torch.rand(len(predicted), 12, generator=generator)
    x[torch.arange(len(predicted)), predicted] += 1.0
    return x.reshape(len(predicted), 1, 3, 4)


# Classes the lookup net predicts for 10 samples (eval mode), and their labels: batches of 4, 4
# and 2 hold 4, 3 and 0 right predictions (0.7 in all, 0.583 as a mean of batch accuracies).
# Classes repeat within a batch, so train-mode BatchNorm changes the predictions.
_PREDICTED = [0, 0, 0, 1, 2, 2, 2, 3, 1, 1]
_LABELS = [0, 0, 0, 1, 2, 2, 2, 0, 3, 2]


@probe("evaluate", cases=[{"training": False}, {"training": True}])
def evaluate(student, training):
    """evaluate over 10 samples in batches of 4, 4 and 2, the model starting in train or eval mode."""
    torch = _torch()
    g = torch.Generator().manual_seed(51)
    x = _lookup_inputs(_PREDICTED, g)
    y = torch.tensor(_LABELS)
    grad_enabled = []
    model = _lookup_net(grad_enabled)
    model.train(training)
    returned = student.evaluate(model, _loader(x, y, batch_size=4))

    reference = _lookup_net().eval()  # evidence for the judge: right count of each batch
    batch_correct, batch_sizes = [], []
    with torch.no_grad():
        for bx, by in _loader(x, y, batch_size=4):
            batch_correct.append(int((reference(bx).argmax(1) == by).sum()))
            batch_sizes.append(int(by.shape[0]))
    return {
        "returned": _plain(_number(returned)),
        "training_after": [m.training for m in model.modules()],
        "grad_enabled_in_forward": grad_enabled,
        "batch_correct": batch_correct,
        "batch_sizes": batch_sizes,
    }


# ---------------------------------------------------------------- predict_keywords


_KEYWORD_CLASSES = [1, 2, 3, 0, 3, 3, 0, 3, 3, 3]  # train-mode BatchNorm changes 4 of these


@probe("keywords", cases=[{"channel_axis": True}, {"channel_axis": False}])
def keywords(student, channel_axis):
    """predict_keywords on 10 spectrograms, (B, 1, 3, 4) or (B, 3, 4), with a model left in train mode.

    Returns what it returned (as plain data), and the eval-mode class of every
    spectrogram, computed here, as evidence.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(61)
    x = _lookup_inputs(_KEYWORD_CLASSES, g)
    model = _lookup_net()
    model.train()
    returned = student.predict_keywords(model, x if channel_axis else x[:, 0], list(KEYWORDS))
    reference = _lookup_net().eval()
    with torch.no_grad():
        classes = reference(x).argmax(1)
    return {"returned": _plain(returned), "type": type(returned).__name__, "classes": classes,
            "keywords": list(KEYWORDS)}


# ---------------------------------------------------------------- learning


def keyword_data(n, generator, n_mels=16, n_frames=28):
    """Synthetic "keywords": each class is its own time-frequency texture.

    Class 0 rises (stripes along mel + frame), 1 falls (mel - frame), 2 is a
    steady harmonic stack (stripes along time), 3 a train of broadband onsets
    (stripes along frequency). Each keyword has a random phase and lasts half to
    all of the clip at a random offset, over Gaussian background noise.
    """
    torch = _torch()
    labels = torch.randint(0, 4, (n,), generator=generator)
    x = torch.randn(n, 1, n_mels, n_frames, generator=generator) * 0.5
    m = torch.arange(n_mels, dtype=torch.float32).view(-1, 1)
    f = torch.arange(n_frames, dtype=torch.float32).view(1, -1)
    grids = [m + f, m - f, m + 0 * f, f + 0 * m]
    for i in range(n):
        phase = float(torch.rand(1, generator=generator)) * 2 * math.pi
        pattern = (torch.cos(grids[int(labels[i])] * (math.pi / 2) + phase) > 0.3).float()
        length = int(torch.randint(n_frames // 2, n_frames + 1, (1,), generator=generator))
        start = int(torch.randint(0, n_frames - length + 1, (1,), generator=generator))
        amplitude = 2.0 * (1 + 0.5 * float(torch.rand(1, generator=generator)))
        x[i, 0, :, start:start + length] += amplitude * pattern[:, start:start + length]
    return x, labels


@probe("learn", cases=[{"seed": 0}], timeout=30)
def learn(student, seed):
    """Train KeywordCNN(16, 28, 4) with train_epoch: Adam (lr 3e-3), 8 epochs of 192 clips in batches of 16.

    Returns the epoch losses train_epoch reported and the trained model's
    logits (eval mode, computed here) on 128 held-out clips, with their labels.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(1000 + seed)
    x_train, y_train = keyword_data(192, g)
    x_test, y_test = keyword_data(128, g)
    seed_everything(seed)
    model = student.KeywordCNN(16, 28, 4)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = _loader(x_train, y_train, batch_size=16, shuffle=True, seed=seed)
    criterion = torch.nn.CrossEntropyLoss()
    losses = [_plain(_number(student.train_epoch(model, loader, optimizer, criterion))) for _ in range(8)]
    model.eval()
    with torch.no_grad():
        logits = model(x_test)
    return {"losses": losses, "logits": _plain(logits), "labels": y_test}
