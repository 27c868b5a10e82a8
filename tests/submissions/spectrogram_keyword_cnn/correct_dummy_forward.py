# Correct: the snippet's shape of model (conv-pool twice, then Linear layers), with the flatten
# size found by a dummy forward pass, Dropout in the head, torch.max(outputs, 1) for the classes,
# evaluate built on a helper that counts per batch, predict_keywords via numpy indices.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class KeywordCNN(nn.Module):
    def __init__(self, n_mels, n_frames, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 24, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(24, 32, kernel_size=3, padding=1)
        with torch.no_grad():
            n_flat = self._features(torch.zeros(1, 1, n_mels, n_frames)).shape[1]
        self.fc1 = nn.Linear(n_flat, 48)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(48, num_classes)

    def _features(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return torch.flatten(x, 1)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.fc1(self._features(x)))))


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    losses, sizes = [], []
    for inputs, targets in loader:
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        sizes.append(targets.size(0))
    return float(np.average(losses, weights=sizes))


def _batch_hits(model, inputs, targets):
    outputs = model(inputs)
    _, predicted = torch.max(outputs, 1)
    return (predicted == targets).sum().item(), targets.size(0)


def evaluate(model, loader):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        counts = [_batch_hits(model, inputs, targets) for inputs, targets in loader]
    model.train(was_training)
    correct = sum(c for c, _ in counts)
    total = sum(t for _, t in counts)
    return correct / total


def predict_keywords(model, spectrograms, keywords):
    x = spectrograms if spectrograms.dim() == 4 else spectrograms.unsqueeze(1)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        _, predicted = torch.max(model(x), 1)
    model.train(was_training)
    words = np.array(keywords, dtype=object)[predicted.numpy()]
    return list(words)
