# Correct: strided convolutions instead of pooling, the flatten size from the conv output formula,
# log_softmax outputs (valid logits), set_grad_enabled(False) in evaluation, per-module modes restored.
import torch
import torch.nn.functional as F
from torch import nn


def conv_out(n, k=3, s=2, p=1):
    return (n + 2 * p - k) // s + 1


class KeywordCNN(nn.Module):
    def __init__(self, n_mels, n_frames, num_classes):
        super().__init__()
        self.c1 = nn.Conv2d(1, 12, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(12, 24, 3, stride=2, padding=1)
        h, w = conv_out(conv_out(n_mels)), conv_out(conv_out(n_frames))
        self.fc = nn.Linear(24 * h * w, num_classes)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.relu(self.c2(x))
        return F.log_softmax(self.fc(torch.flatten(x, 1)), dim=1)


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    losses, sizes = [], []
    for spectrograms, labels in loader:
        optimizer.zero_grad(set_to_none=False)
        loss = criterion(model(spectrograms), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
        sizes.append(labels.numel())
    sizes = torch.tensor(sizes, dtype=torch.float32)
    return float((torch.stack(losses) * sizes).sum() / sizes.sum())


def _modes(model):
    return {m: m.training for m in model.modules()}


def _restore(modes):
    for m, t in modes.items():
        m.training = t


def evaluate(model, loader):
    modes = _modes(model)
    model.eval()
    right = total = 0
    with torch.set_grad_enabled(False):
        for spectrograms, labels in loader:
            _, predicted = torch.max(model(spectrograms), 1)
            right += predicted.eq(labels).sum().item()
            total += labels.shape[0]
    _restore(modes)
    return right / total


def predict_keywords(model, spectrograms, keywords):
    modes = _modes(model)
    model.eval()
    with torch.set_grad_enabled(False):
        x = spectrograms.reshape(spectrograms.shape[0], 1, *spectrograms.shape[-2:])
        predicted = torch.max(model(x), 1)[1]
    _restore(modes)
    return list(map(keywords.__getitem__, predicted.tolist()))
