"""Probes for torch_cifar_cnn: run the student's functions on small synthetic data.

Every input is drawn from a private ``torch.Generator`` (so the student's own
random calls cannot shift it) and every model that is not the student's own
``build_cnn`` is built here with fixed weights, so that its observations can
be compared with the reference solution's. Probes return evidence only; the
checks judge it.
"""

import copy

from grader.probing import probe


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


def _loader(images, labels, batch_size, shuffle=False, seed=0):
    torch = _torch()
    from torch.utils.data import DataLoader, TensorDataset

    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=shuffle,
                      generator=generator)


# ---------------------------------------------------------------- build / forward


@probe("build")
def build(student):
    """Build the default model and describe it."""
    torch = _torch()
    model = student.build_cnn()
    is_module = isinstance(model, torch.nn.Module)
    count = sum(p.numel() for p in model.parameters()) if is_module else 0
    return {"is_module": is_module, "type": type(model).__name__, "parameters": int(count)}


@probe("forward", cases=[
    {"n": 2, "num_classes": None},
    {"n": 5, "num_classes": None},
    {"n": 3, "num_classes": 3},
])
def forward(student, n, num_classes):
    """Logits of a freshly built model for n random 32x32 RGB images."""
    torch = _torch()
    model = student.build_cnn() if num_classes is None else student.build_cnn(num_classes=num_classes)
    images = torch.rand(n, 3, 32, 32, generator=torch.Generator().manual_seed(n))
    out = model(images)
    return out.detach() if isinstance(out, torch.Tensor) else out


# ---------------------------------------------------------------- first_batch


@probe("first_batch")
def first_batch(student):
    """first_batch of an unshuffled loader of 10 samples in batches of 4."""
    torch = _torch()
    g = torch.Generator().manual_seed(11)
    images = torch.rand(10, 3, 32, 32, generator=g)
    labels = torch.randint(0, 10, (10,), generator=g)
    batch_images, batch_labels = student.first_batch(_loader(images, labels, batch_size=4))
    return {"images": batch_images, "labels": batch_labels}


# ---------------------------------------------------------------- train_one_epoch


def _tiny_net(generator):
    """A small conv net on 3x8x8 images with fixed weights (no dropout, no batch norm)."""
    from torch import nn

    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
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


def _sgd_epoch_without_zero_grad(model, loader, lr):
    """The epoch as a loop that never zeroes the gradients would run it."""
    torch = _torch()
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for images, labels in loader:
        criterion(model(images), labels).backward()
        optimizer.step()


@probe("train_epoch")
def train_epoch(student):
    """One epoch of plain SGD (lr 0.1) on 10 samples in batches of 4, 4 and 2, the model handed over in eval mode.

    Returns what train_one_epoch returned, the loss and batch size of every call
    of the criterion it was given, the model's mode at every forward pass, and the
    parameters before and after. The same epoch is also run here by a loop that
    never zeroes the gradients, so that the judge can recognise that mistake.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(21)
    model = _tiny_net(g)
    images = torch.rand(10, 3, 8, 8, generator=g)
    labels = torch.randint(0, 3, (10,), generator=g)
    lr = 0.1

    accumulating_copy = copy.deepcopy(model)
    initial = _flat_parameters(model)
    # As after an evaluation: train_one_epoch must switch the model to training mode itself. (This
    # net has no dropout or batch norm, so the mode does not change the SGD steps; it is recorded.)
    model.eval()
    training_in_forward = []
    model.register_forward_pre_hook(lambda module, inputs: training_in_forward.append(module.training))
    criterion, calls = _recording_criterion()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    returned = student.train_one_epoch(model, _loader(images, labels, 4), optimizer, criterion)

    _sgd_epoch_without_zero_grad(accumulating_copy, _loader(images, labels, 4), lr)
    return {
        "returned": _number(returned),
        "returned_type": type(returned).__name__,
        "returned_requires_grad": bool(getattr(returned, "requires_grad", False)),
        "training_in_forward": training_in_forward,
        "criterion_calls": calls,
        "parameters": _flat_parameters(model),
        "initial": initial,
        "without_zero_grad": _flat_parameters(accumulating_copy),
    }


# ---------------------------------------------------------------- learnability


def _bright_channel_data(n, generator):
    """Images of dim noise whose class (0, 1 or 2) is the one brighter colour channel."""
    torch = _torch()
    labels = torch.randint(0, 3, (n,), generator=generator)
    images = torch.rand(n, 3, 32, 32, generator=generator) * 0.5
    images[torch.arange(n), labels] += 0.5
    return images, labels


@probe("learn", timeout=30)
def learn(student):
    """Train build_cnn(num_classes=3) for 5 epochs of Adam (lr 3e-3, batches of 16) with train_one_epoch.

    Returns the epoch losses and the trained model's logits (eval mode, computed
    here, not by the student's predict) on held-out images, with their labels.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(31)
    train_images, train_labels = _bright_channel_data(256, g)
    test_images, test_labels = _bright_channel_data(90, g)
    model = student.build_cnn(num_classes=3)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = _loader(train_images, train_labels, batch_size=16, shuffle=True, seed=32)
    criterion = torch.nn.CrossEntropyLoss()
    losses = [_number(student.train_one_epoch(model, loader, optimizer, criterion)) for _ in range(5)]
    model.eval()
    with torch.no_grad():
        logits = model(test_images)
    return {"losses": losses, "logits": logits, "labels": test_labels}


# ---------------------------------------------------------------- predict


def _dropout_net(generator):
    """A small MLP with Dropout(0.5) whose forward records whether autograd was on.

    The record lives in a closure (not on the module), so it survives a copy.
    """
    torch = _torch()
    from torch import nn

    grad_enabled = []

    class DropoutNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(3 * 8 * 8, 32)
            self.dropout = nn.Dropout(0.5)
            self.out = nn.Linear(32, 5)

        def forward(self, x):
            grad_enabled.append(torch.is_grad_enabled())
            return self.out(self.dropout(torch.relu(self.hidden(x.flatten(1)))))

    model = DropoutNet()
    _fill_parameters(model, generator)
    return model, grad_enabled


@probe("predict", cases=[{"training": True}, {"training": False}])
def predict(student, training):
    """predict twice on a Dropout model that starts in train or eval mode."""
    torch = _torch()
    g = torch.Generator().manual_seed(41)
    model, grad_enabled = _dropout_net(g)
    images = torch.rand(32, 3, 8, 8, generator=g)
    model.train(training)
    first = student.predict(model, images)
    second = student.predict(model, images)
    return {
        "first": first,
        "second": second,
        "first_type": type(first).__name__,
        "first_requires_grad": bool(getattr(first, "requires_grad", False)),
        "grad_enabled_in_forward": grad_enabled,
        "training_after": [m.training for m in model.modules()],
    }


# ---------------------------------------------------------------- evaluate_accuracy


def _lookup_net():
    """Logits = the first 4 input values, then BatchNorm1d (fresh: identity in eval mode).

    In train mode the batch norm standardises each batch, which changes the
    predicted classes: an accuracy computed in train mode is off.
    """
    torch = _torch()
    from torch import nn

    select = nn.Linear(12, 4, bias=False)
    with torch.no_grad():
        select.weight.zero_()
        select.weight[:, :4] = torch.eye(4)
    return nn.Sequential(nn.Flatten(), select, nn.BatchNorm1d(4, affine=False))


# The class the lookup model predicts for each of the 10 samples (in eval mode), and the
# labels: batches of 4, 4 and 2 hold 4, 3 and 0 right predictions (0.7 in all). Classes repeat
# within a batch so that batch statistics (train-mode BatchNorm) change the predictions.
_PREDICTED = [0, 0, 0, 1, 2, 2, 2, 3, 1, 1]
_LABELS = [0, 0, 0, 1, 2, 2, 2, 0, 3, 2]


@probe("accuracy", cases=[{"training": False}, {"training": True}])
def accuracy(student, training):
    """evaluate_accuracy over 10 samples in batches of 4, 4 and 2 (an uneven last batch)."""
    torch = _torch()
    g = torch.Generator().manual_seed(51)
    predicted = torch.tensor(_PREDICTED)
    labels = torch.tensor(_LABELS)
    images = torch.rand(10, 12, generator=g)
    images[torch.arange(10), predicted] += 1.0
    images = images.reshape(10, 3, 2, 2)
    model = _lookup_net()
    model.train(training)
    returned = student.evaluate_accuracy(model, _loader(images, labels, batch_size=4))

    # Evidence for the judge's diagnosis: the correct count of each batch (eval mode).
    reference = _lookup_net().eval()
    batch_correct, batch_sizes = [], []
    with torch.no_grad():
        for batch_images, batch_labels in _loader(images, labels, batch_size=4):
            batch_correct.append(int((reference(batch_images).argmax(1) == batch_labels).sum()))
            batch_sizes.append(int(batch_labels.shape[0]))
    return {
        "returned": _number(returned),
        "training_after": [m.training for m in model.modules()],
        "batch_correct": batch_correct,
        "batch_sizes": batch_sizes,
    }
