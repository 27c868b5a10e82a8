"""torch_cifar_cnn: a small CNN for 32x32 RGB images with a correct train and eval loop.

Fill in every function. Read README.md for the full contract. Do not import
torchvision or matplotlib, download anything or show images: the grader calls
these functions on tensors it builds itself.
"""

import torch
from torch import nn


def build_cnn(num_classes: int = 10) -> nn.Module:
    """A CNN mapping float images of shape (N, 3, 32, 32) to logits of shape (N, num_classes).

    Any architecture is fine (conv blocks, pooling, batch norm, dropout, ...),
    as long as it works for every batch size N and learns simple image tasks.
    """
    raise NotImplementedError


def first_batch(loader):
    """Return the first ``(images, labels)`` batch that ``loader`` yields, as two tensors."""
    raise NotImplementedError


def train_one_epoch(model, loader, optimizer, criterion) -> float:
    """Train ``model`` for one pass over ``loader`` and return the mean loss per sample.

    For every ``(images, labels)`` batch: reset the gradients, compute
    ``criterion(model(images), labels)``, back-propagate and take one optimizer
    step. The model is put in training mode first. The returned value is the
    average over all samples of the epoch of the batch losses (each batch loss
    weighted by the batch's size), as a Python float.
    """
    raise NotImplementedError


def predict(model, images) -> torch.Tensor:
    """Class indices predicted for ``images``: a LongTensor of shape (N,).

    Runs the model in eval mode with autograd off, returns the argmax of the
    logits over the classes, and leaves the model in the mode (training or eval)
    it was in before the call.
    """
    raise NotImplementedError


def evaluate_accuracy(model, loader) -> float:
    """Fraction (0 to 1) of all samples in ``loader`` whose predicted class equals the label.

    Every sample counts the same, also when the last batch is smaller. Like
    ``predict``: eval mode, no autograd, the model's mode restored afterwards.
    """
    raise NotImplementedError
