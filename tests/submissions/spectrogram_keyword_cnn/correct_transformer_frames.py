# Correct (the statement allows any architecture): a small Transformer encoder built from scratch
# over the spectrogram's frames (one token per frame, a conv front end, learned positions),
# mean-pooled; nothing is loaded. Loops in the style of the PyTorch tutorials.
import torch
from torch import nn


class KeywordCNN(nn.Module):
    def __init__(self, n_mels, n_frames, num_classes, d_model=32):
        super().__init__()
        self.front = nn.Conv1d(n_mels, d_model, kernel_size=3, padding=1)
        self.pos = nn.Parameter(torch.zeros(1, n_frames, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        tokens = self.front(x[:, 0]).transpose(1, 2) + self.pos   # (B, T, d)
        return self.head(self.encoder(tokens).mean(dim=1))


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    size = len(loader.dataset)
    train_loss = 0
    for X, y in loader:
        pred = model(X)
        loss = criterion(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        train_loss += loss.item() * len(X)
    return train_loss / size


def evaluate(model, loader):
    mode = model.training
    model.eval()
    correct = 0
    with torch.no_grad():
        for X, y in loader:
            correct += (model(X).argmax(1) == y).type(torch.float).sum().item()
    model.train(mode)
    return correct / len(loader.dataset)


def predict_keywords(model, spectrograms, keywords):
    if spectrograms.dim() == 3:
        spectrograms = spectrograms.unsqueeze(1)
    mode = model.training
    model.eval()
    with torch.no_grad():
        pred = model(spectrograms).argmax(1)
    model.train(mode)
    return [keywords[p] for p in pred]
