# Correct: the snippet's v1 LeNet (6 and 16 channels, 16*5*5 flatten) as an nn.Module with
# functional calls, torch.set_grad_enabled(False), a list of (loss, n) pairs averaged at the end,
# evaluate_accuracy collecting all predictions then comparing once. Should score 100.
import torch
import torch.nn.functional as F
from torch import nn


class LeNet(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def build_cnn(num_classes=10):
    return LeNet(num_classes)


def first_batch(loader):
    iterator = iter(loader)
    images, labels = next(iterator)
    return images, labels


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    records = []
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        records.append((loss.item(), len(targets)))
    return sum(l * n for l, n in records) / sum(n for _, n in records)


def predict(model, images):
    was_training = model.training
    model.eval()
    with torch.set_grad_enabled(False):
        scores = model(images)
    model.train(was_training)
    return scores.argmax(dim=1).long()


def evaluate_accuracy(model, loader):
    preds, targets = [], []
    for images, labels in loader:
        preds.append(predict(model, images))
        targets.append(labels)
    return (torch.cat(preds) == torch.cat(targets)).float().mean().item()
