# Buggy: first_batch takes the first sample of the dataset instead of the first batch of the loader.
import torch
from torch import nn


def build_cnn(num_classes: int = 10) -> nn.Module:
    """Two conv blocks, then three linear layers: (N, 3, 32, 32) -> (N, num_classes)."""
    return nn.Sequential(
        nn.Conv2d(3, 6, 5),  # 32 -> 28
        nn.ReLU(),
        nn.MaxPool2d(2, 2),  # 28 -> 14
        nn.Conv2d(6, 16, 5),  # 14 -> 10
        nn.ReLU(),
        nn.MaxPool2d(2, 2),  # 10 -> 5
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, num_classes),
    )


def first_batch(loader):
    """The first ``(images, labels)`` batch the loader yields."""
    images, labels = next(iter(loader.dataset))
    return images, labels


def train_one_epoch(model, loader, optimizer, criterion) -> float:
    """One pass over ``loader``; returns the mean training loss per sample."""
    model.train()
    total_loss = 0.0
    total_samples = 0
    for images, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * labels.size(0)
        total_samples += labels.size(0)
    return total_loss / total_samples


def predict(model, images) -> torch.Tensor:
    """Class indices (LongTensor of shape (N,)) in eval mode, without autograd."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(images).argmax(dim=1)
    finally:
        model.train(was_training)


def evaluate_accuracy(model, loader) -> float:
    """Fraction of all samples in ``loader`` whose predicted class is the label."""
    correct = 0
    total = 0
    for images, labels in loader:
        correct += (predict(model, images) == labels).sum().item()
        total += labels.size(0)
    return correct / total
