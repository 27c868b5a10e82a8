# Correct: mel bands as channels of a Conv1d over time, global max pooling over time,
# loss summed via len(loader.dataset), evaluate decorated with torch.no_grad().
import torch
from torch import nn


class KeywordCNN(nn.Module):
    def __init__(self, n_mels, n_frames, num_classes):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_mels, 32, kernel_size=5, padding=2), nn.ReLU(),
            nn.Conv1d(32, 32, kernel_size=5, padding=2), nn.ReLU(),
        )
        self.head = nn.Linear(32, num_classes)

    def forward(self, x):
        x = x.squeeze(1)                   # (B, n_mels, n_frames)
        h = self.conv(x).amax(dim=-1)      # max over time
        return self.head(h)


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    running = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        out = model(x)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        running += loss.item() * x.size(0)
    return running / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader):
    mode = model.training
    model.eval()
    hits = n = 0
    for x, y in loader:
        hits += int((model(x).argmax(1) == y).sum())
        n += len(y)
    model.train(mode)
    return hits / n


@torch.no_grad()
def predict_keywords(model, spectrograms, keywords):
    if spectrograms.ndim == 3:
        spectrograms = spectrograms[:, None]
    mode = model.training
    model.eval()
    idx = model(spectrograms).argmax(-1)
    model.train(mode)
    return [keywords[int(i)] for i in idx]
