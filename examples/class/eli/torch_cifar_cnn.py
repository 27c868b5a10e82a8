# Correct: nn.Sequential with padded convs and AdaptiveAvgPool2d (no flatten arithmetic),
# zero_grad(set_to_none=True) after the step, torch.inference_mode in evaluation, a sum of
# per-sample losses via detached outputs, evaluate_accuracy with its own loop. Should score 100.
import torch
from torch import nn


def build_cnn(num_classes: int = 10) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, num_classes),
    )


def first_batch(loader):
    for images, labels in loader:
        return images, labels
    raise ValueError("empty loader")


def train_one_epoch(model, loader, optimizer, criterion) -> float:
    model.train(True)
    total = torch.zeros(())
    n = 0
    optimizer.zero_grad(set_to_none=True)
    for images, labels in loader:
        logits = model(images)
        loss = criterion(logits, labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        total += loss.detach() * labels.numel()
        n += labels.numel()
    return (total / n).item()


def predict(model, images):
    previous = model.training
    try:
        model.eval()
        with torch.inference_mode():
            return torch.argmax(model(images), dim=-1)
    finally:
        model.train(previous)


def evaluate_accuracy(model, loader):
    previous = model.training
    model.eval()
    right, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            right += (model(images).argmax(1) == labels).sum().item()
            total += labels.shape[0]
    model.train(previous)
    return right / total
