"""Reference solution: scores full marks; every mutant is this file with one known bug put back."""

from torch import nn


def build_classifier(in_features, num_classes):
    """A small network mapping (n, in_features) float inputs to (n, num_classes) logits."""
    return nn.Sequential(nn.Linear(in_features, 32), nn.ReLU(), nn.Linear(32, num_classes))


def train_step(model, optimizer, inputs, labels):
    """One optimisation step of cross-entropy loss; returns the loss before the update (a float)."""
    model.train()
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(inputs), labels)
    loss.backward()
    optimizer.step()
    return float(loss.detach())
