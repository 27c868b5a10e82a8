# Correct: three conv blocks with ceil-mode pooling (so 9x13 inputs survive), adaptive max
# pooling to 2x2, a functional-style loop that zeroes the gradients after each step instead of
# before, accuracy accumulated as tensors, a per-sample loop in predict_keywords.
import torch
from torch import nn


def block(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(),
                         nn.MaxPool2d(2, ceil_mode=True))


class KeywordCNN(nn.Module):
    def __init__(self, n_mels: int, n_frames: int, num_classes: int):
        super().__init__()
        self.blocks = nn.Sequential(block(1, 8), block(8, 16), block(16, 32))
        self.pool = nn.AdaptiveMaxPool2d((2, 2))
        self.out = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        return self.out(self.pool(self.blocks(x)).flatten(1))


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    optimizer.zero_grad()
    total = torch.zeros(())
    count = 0
    for x, y in loader:
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.detach() * y.shape[0]
        count += y.shape[0]
    return (total / count).item()


def evaluate(model, loader):
    previous = model.training
    model.eval()
    correct = torch.zeros((), dtype=torch.long)
    count = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(dim=1) == y).sum()
            count += len(y)
    model.train(previous)
    return correct.item() / count


def predict_keywords(model, spectrograms, keywords):
    if spectrograms.dim() == 3:
        spectrograms = spectrograms.unsqueeze(1)
    previous = model.training
    model.eval()
    with torch.no_grad():
        logits = model(spectrograms)
    model.train(previous)
    words = []
    for row in logits:
        words.append(keywords[row.argmax().item()])
    return words
