# Correct: nn.LazyLinear infers the flatten size at the first forward pass; BatchNorm, Dropout;
# evaluate gathers all predictions and labels and compares them at the end.
import torch
import torch.nn as nn


class KeywordCNN(nn.Module):
    def __init__(self, n_mels: int, n_frames: int, num_classes: int):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.LazyLinear(64), nn.ReLU(), nn.Dropout(0.2),
                                  nn.Linear(64, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


def train_epoch(model, loader, optimizer, criterion):
    model.train()
    total, count = 0.0, 0
    for batch in loader:
        inputs, labels = batch
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += float(loss) * len(labels)
        count += len(labels)
    return total / count


def evaluate(model, loader):
    was_training = model.training
    model.eval()
    preds, labels = [], []
    with torch.no_grad():
        for inputs, y in loader:
            preds.append(model(inputs).argmax(dim=1))
            labels.append(y)
    model.train(was_training)
    return (torch.cat(preds) == torch.cat(labels)).float().mean().item()


def predict_keywords(model, spectrograms, keywords):
    x = spectrograms if spectrograms.dim() == 4 else spectrograms.unsqueeze(1)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        classes = model(x).argmax(dim=1).tolist()
    model.train(was_training)
    return [keywords[c] for c in classes]
