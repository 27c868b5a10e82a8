# Correct: a small all-convolutional net with strided convs (no pooling, no Linear), softmax-free
# logits from a 1x1 conv and a global max pool; loss accumulated with loss.item() * batch size;
# predict with torch.set_grad_enabled(False) and topk.
import torch
from torch import nn


class AllConv(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.1),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.1),
            nn.Conv2d(32, num_classes, 1),
        )

    def forward(self, x):
        return self.features(x).amax(dim=(2, 3))


def build_cnn(num_classes=10):
    return AllConv(num_classes)


def first_batch(loader):
    return tuple(next(iter(loader)))


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    total, n = 0.0, 0
    for batch in loader:
        images, labels = batch
        model.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item() * images.size(0)
        n += images.size(0)
    return total / n


def predict(model, images):
    was_training = model.training
    model.eval()
    with torch.set_grad_enabled(False):
        classes = model(images).topk(1, dim=1).indices.squeeze(1)
    if was_training:
        model.train()
    return classes


def evaluate_accuracy(model, loader):
    correct = sum(int((predict(model, x) == y).sum()) for x, y in loader)
    return correct / sum(len(y) for _, y in loader)
