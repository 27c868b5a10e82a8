# ruff: noqa
# Seed 001-#6 ("使用Transformer模型进行语音识别"), shaped to the exercise API with its bugs kept:
# the comment promises a pre-trained Transformer but builds a CNN from scratch, the first Linear
# layer only fits 24x24 inputs and 10 classes, the loops use globals that are never defined,
# "speech recognition" ends in a class index and an accuracy, and the script part at the bottom
# (as printed) runs at import.
import torch
from torch import nn
from torch.optim import Adam


class KeywordCNN(nn.Module):
    def __init__(self, n_mels, n_frames, num_classes):
        super().__init__()
        # 加载预训练的 Transformer 模型
        self.model = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(32, 64, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.Linear(64 * 6 * 6, 1024),
            nn.ReLU(),
            nn.Linear(1024, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        return self.model(x)


def train_epoch(model, loader, optimizer, criterion):
    # 训练模型
    for epoch in range(num_epochs):
        for inputs, targets in train_loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()


def evaluate(model, loader):
    # 评估模型
    with torch.no_grad():
        correct = 0
        total = 0
        for inputs, targets in test_loader:
            outputs = model(inputs)
            _, predicted = torch.max(outputs.data, 1)
            total += targets.size(0)
            correct += (predicted == targets).sum().item()

        print(f"Epoch [{epoch}/{num_epochs}], Accuracy: {correct / total * 100:.2f}%")
    return correct / total


def predict_keywords(model, spectrograms, keywords):
    outputs = model(spectrograms)
    _, predicted = torch.max(outputs.data, 1)
    return predicted


model = KeywordCNN(24, 24, 10)
optimizer = Adam(model.parameters(), lr=0.001)
criterion = nn.CrossEntropyLoss()

for epoch in range(num_epochs):
    train_epoch(model, train_loader, optimizer, criterion)
    evaluate(model, test_loader)
