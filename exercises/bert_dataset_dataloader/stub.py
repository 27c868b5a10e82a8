"""bert_dataset_dataloader: a Dataset and DataLoader for tokenised text with labels, and the loops using them.

Fill in everything. Read README.md for the full contract. The grader passes in
the tokenizer and the model (tiny ones built from a vocabulary and a config);
do not download anything, print, or train at import time.
"""

import torch  # noqa: F401  (you will need it)
from torch.utils.data import DataLoader, Dataset  # noqa: F401

DEFAULT_LR = None  # the learning rate you would fine-tune a pretrained BERT with (Adam/AdamW)


class EncodedDataset(Dataset):
    """One example per item: the tokenizer's tensors for one text plus its label.

    ``encodings`` maps names ("input_ids", "attention_mask", ...) to tensors with
    one row per text (e.g. a tokenizer's output with return_tensors="pt");
    ``labels`` holds one integer class id per text. Raises ValueError when the
    numbers of rows and labels differ. Item i is a dict {name: encodings[name][i]}
    plus "labels": the i-th label as a 0-dimensional LongTensor.
    """

    def __init__(self, encodings, labels):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    """A DataLoader of dict batches (input_ids, attention_mask, ..., labels) for texts and labels.

    Tokenises the texts (padding, truncation to max_length, return_tensors="pt")
    and batches EncodedDataset items, batch_size at a time, shuffled if asked.
    """
    raise NotImplementedError


def train_epoch(model, loader, optimizer):
    """One pass over loader: for every dict batch, forward with its labels, backward, optimizer step.

    Puts the model in training mode first; returns the epoch's mean loss (float).
    """
    raise NotImplementedError


def predict(model, loader):
    """The predicted class id of every example of loader, in order (a list of ints).

    Eval mode, autograd off; the batches may hold "labels", which predict ignores.
    """
    raise NotImplementedError
