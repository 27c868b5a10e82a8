# Correct: unpadded convolutions and nn.AdaptiveAvgPool2d((4, 4)) before a small MLP head, a loss
# sum computed from criterion values times batch sizes via enumerate, evaluate delegating to
# predict-style helper code, keywords mapped with operator.itemgetter.
import operator

import torch
from torch import nn


class KeywordCNN(nn.Module):
    def __init__(self, n_mels, n_frames, num_classes):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3), nn.ReLU(),
            nn.Conv2d(16, 32, 3), nn.ReLU(),
            nn.AdaptiveAvgPool2d((4, 4)),
            nn.Flatten(),
            nn.Linear(32 * 16, 64), nn.ReLU(),
            nn.Linear(64, num_classes),
        )

    def forward(self, x):
        return self.net(x)


def train_epoch(model, loader, optimizer, criterion):
    model.train(True)
    running = 0.0
    n = 0
    for i, (x, y) in enumerate(loader):
        optimizer.zero_grad()
        out = model(x)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        running += loss.item() * x.size(0)
        n += x.size(0)
    return running / n


def _classes(model, x):
    state = model.training
    model.eval()
    with torch.no_grad():
        result = model(x).argmax(1)
    model.train(state)
    return result


def evaluate(model, loader):
    right = [(_classes(model, x) == y).float().sum().item() for x, y in loader]
    sizes = [len(y) for _, y in loader]
    return sum(right) / sum(sizes)


def predict_keywords(model, spectrograms, keywords):
    if spectrograms.dim() == 3:
        spectrograms = spectrograms.reshape(spectrograms.shape[0], 1, *spectrograms.shape[1:])
    idx = _classes(model, spectrograms).tolist()
    if len(idx) == 1:
        return [keywords[idx[0]]]
    return list(operator.itemgetter(*idx)(keywords))
