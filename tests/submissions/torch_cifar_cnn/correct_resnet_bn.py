# Correct: a tiny residual network with BatchNorm and global average pooling; the loss statistic kept
# as a detached tensor sum; predict restores every submodule's own flag; accuracy via concatenation.
import torch
from torch import nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(y)))


class TinyResNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.block = Block(16)
        self.head = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.head(x.mean(dim=(2, 3)))


def build_cnn(num_classes=10):
    return TinyResNet(num_classes)


def first_batch(loader):
    for images, labels in loader:
        return images, labels


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    total = torch.zeros(())
    count = 0
    for x, y in loader:
        optimizer.zero_grad(set_to_none=False)
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.detach() * y.numel()
        count += y.numel()
    return (total / count).item()


def predict(model, images):
    flags = {m: m.training for m in model.modules()}
    model.eval()
    with torch.no_grad():
        out = model(images).argmax(-1)
    for m, flag in flags.items():
        m.training = flag
    return out


def evaluate_accuracy(model, loader):
    preds, labels = [], []
    for x, y in loader:
        preds.append(predict(model, x))
        labels.append(y)
    return (torch.cat(preds) == torch.cat(labels)).double().mean().item()
