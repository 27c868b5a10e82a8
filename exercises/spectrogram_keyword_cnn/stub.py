"""spectrogram_keyword_cnn: a keyword-spotting CNN for spectrograms of any size.

Fill in every function. Read README.md for the full contract. Use torch only:
no torchaudio or torchvision, no downloads, no pretrained weights, nothing
printed or trained at import time. The grader calls these functions on
tensors and loaders it builds itself.
"""

import torch
from torch import nn


class KeywordCNN(nn.Module):
    """A CNN mapping spectrograms (B, 1, n_mels, n_frames) to keyword logits (B, num_classes).

    Built for spectrograms of n_mels x n_frames (both at least 8); any
    architecture (conv blocks, pooling, BatchNorm, dropout, a flatten size
    computed from n_mels and n_frames, or adaptive pooling) is fine as long as
    it works for every batch size and learns. Trained from scratch.
    """

    def __init__(self, n_mels: int, n_frames: int, num_classes: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 1, n_mels, n_frames) float spectrograms -> (B, num_classes) logits."""
        raise NotImplementedError


def train_epoch(model, loader, optimizer, criterion) -> float:
    """Train ``model`` for one pass over ``loader`` and return the mean loss per sample.

    Puts the model in training mode, then for every ``(spectrograms, labels)``
    batch: reset the gradients, compute ``criterion(model(spectrograms),
    labels)``, back-propagate and take one optimizer step. Returns the average
    over all samples of the batch losses (each weighted by its batch size), as
    a Python float.
    """
    raise NotImplementedError


def evaluate(model, loader) -> float:
    """Fraction (0 to 1) of all samples of ``loader`` whose predicted class (argmax) equals the label.

    Eval mode, no autograd, every sample counted the same (also in a smaller
    last batch); the model is left in the mode it was in before the call.
    """
    raise NotImplementedError


def predict_keywords(model, spectrograms, keywords) -> list:
    """The keyword each spectrogram most likely contains: a list of str, one per spectrogram.

    ``spectrograms`` is (B, 1, n_mels, n_frames) or (B, n_mels, n_frames) (then
    add the channel axis); ``keywords[c]`` is the word of class c. Like
    evaluate: eval mode, no autograd, the model's mode restored.
    """
    raise NotImplementedError
