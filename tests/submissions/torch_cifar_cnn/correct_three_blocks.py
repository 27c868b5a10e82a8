# Correct: the "fixed v2": three conv blocks (padding keeps the map from collapsing:
# 32 -> 16 -> 8 -> 4), Dropout before the classifier, enumerate() over the loader, float() of the
# detached loss, a predict that restores train mode only if it was on, evaluate_accuracy through
# predict. Should score 100.
import torch
from torch import nn


def _block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2)]


def build_cnn(num_classes=10):
    layers = _block(3, 8) + _block(8, 16) + _block(16, 32)
    layers += [nn.Flatten(), nn.Dropout(0.2), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, num_classes)]
    return nn.Sequential(*layers)


def first_batch(loader):
    return tuple(next(iter(loader)))


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    loss_sum = 0.0
    sample_count = 0
    for step, (x, y) in enumerate(loader):
        optimizer.zero_grad()
        batch_loss = criterion(model(x), y)
        batch_loss.backward()
        optimizer.step()
        loss_sum += float(batch_loss.detach()) * x.shape[0]
        sample_count += x.shape[0]
    return loss_sum / max(sample_count, 1)


def predict(model, images):
    training = model.training
    model.eval()
    with torch.no_grad():
        out = model(images).argmax(1)
    if training:
        model.train()
    return out


def evaluate_accuracy(model, loader):
    correct = total = 0
    for x, y in loader:
        correct += (predict(model, x) == y).sum().item()
        total += y.numel()
    return float(correct) / total
