# Correct: the classic LeNet-5 (Tanh, AvgPool2d), an explicit index loop over the loader,
# predict under torch.inference_mode, evaluate_accuracy with eval()/train(was) around its own loop.
import torch
import torch.nn as nn


def build_cnn(num_classes: int = 10) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 6, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(16, 120, kernel_size=5), nn.Tanh(),
        nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(),
        nn.Linear(84, num_classes),
    )


def first_batch(loader):
    it = iter(loader)
    batch = next(it)
    return batch[0], batch[1]


def train_one_epoch(model, loader, optimizer, criterion):
    model.train(True)
    seen, loss_sum = 0, 0.0
    for i, (inputs, targets) in enumerate(loader):
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        loss_sum += float(loss) * len(targets)
        seen += len(targets)
    return loss_sum / seen


def predict(model, images):
    mode = model.training
    model.train(False)
    with torch.inference_mode():
        logits = model(images)
    model.train(mode)
    return torch.argmax(logits, dim=1)


def evaluate_accuracy(model, loader):
    mode = model.training
    model.eval()
    hits = n = 0
    with torch.no_grad():
        for x, y in loader:
            hits += int((model(x).max(dim=1).indices == y).sum())
            n += y.shape[0]
    model.train(mode)
    return hits / n
