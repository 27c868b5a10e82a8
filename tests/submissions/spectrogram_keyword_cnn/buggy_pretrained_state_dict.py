# expect-bugs: not-a-transformer
# Buggy: believes the comment and loads pre-trained weights from a file that does not exist.
# Should fail test_built_from_scratch naming not-a-transformer (FileNotFoundError at build).
import torch
from torch import nn


class KeywordCNN(nn.Module):
    """Two conv blocks and a small classifier head: (B, 1, n_mels, n_frames) -> (B, num_classes)."""

    def __init__(self, n_mels: int, n_frames: int, num_classes: int):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # n -> n // 2
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # n // 2 -> n // 4
        )
        flat = 32 * (n_mels // 4) * (n_frames // 4)  # the size of the map this model will see
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(flat, 64),
            nn.ReLU(),
            nn.Linear(64, num_classes),
        )
        self.load_state_dict(torch.load('pretrained_kws.pt', map_location='cpu'), strict=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def train_epoch(model, loader, optimizer, criterion) -> float:
    """One pass over ``loader`` in training mode; the mean loss per sample."""
    model.train()
    total_loss, total = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * targets.size(0)
        total += targets.size(0)
    return total_loss / total


def _eval_logits(model, x):
    """Logits in eval mode without autograd; the model's mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(x)
    finally:
        model.train(was_training)


def evaluate(model, loader) -> float:
    """Fraction of all samples of ``loader`` classified right (eval mode, no autograd)."""
    correct, total = 0, 0
    for inputs, targets in loader:
        correct += (_eval_logits(model, inputs).argmax(dim=1) == targets).sum().item()
        total += targets.size(0)
    return correct / total


def predict_keywords(model, spectrograms, keywords) -> list:
    """The keyword (a str of ``keywords``) the model spots in each spectrogram."""
    if spectrograms.dim() == 3:  # (B, n_mels, n_frames): add the channel axis
        spectrograms = spectrograms.unsqueeze(1)
    predicted = _eval_logits(model, spectrograms).argmax(dim=1)
    return [keywords[i] for i in predicted.tolist()]
