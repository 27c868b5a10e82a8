# Buggy: stores the labels as a float tensor. BertForSequenceClassification then treats them as
# multi-label targets (BCEWithLogitsLoss), which fails on (B,) targets. Should fail
# test_dataset_items with the float-label message and the loader/pipeline checks; names no known bug.
import torch
from torch.utils.data import DataLoader, Dataset

DEFAULT_LR = 2e-5
"""Learning rate for fine-tuning a pretrained BERT with Adam/AdamW (the usual range is 2e-5 to 5e-5)."""


class EncodedDataset(Dataset):
    """One example per item: the tokenizer's tensors for that text, plus its label as ``"labels"``."""

    def __init__(self, encodings, labels):
        self.encodings = {key: torch.as_tensor(value) for key, value in encodings.items()}
        self.labels = torch.as_tensor(labels, dtype=torch.float)
        for key, value in self.encodings.items():
            if len(value) != len(self.labels):
                raise ValueError(f"encodings[{key!r}] has {len(value)} rows but there are {len(self.labels)} labels")

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        item = {key: value[index] for key, value in self.encodings.items()}
        item["labels"] = self.labels[index]
        return item


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    """Tokenise texts (padded, truncated to max_length) and batch them with their labels."""
    encodings = tokenizer(list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    return DataLoader(EncodedDataset(encodings, labels), batch_size=batch_size, shuffle=shuffle)


def train_epoch(model, loader, optimizer):
    """One pass over loader: forward with labels, backward, step; returns the mean loss per example."""
    model.train()
    total, seen = 0.0, 0
    for batch in loader:
        optimizer.zero_grad()
        outputs = model(**batch)
        outputs.loss.backward()
        optimizer.step()
        count = len(batch["labels"])
        total += outputs.loss.item() * count
        seen += count
    return total / seen


def predict(model, loader):
    """Predicted class of every example of loader, in order (eval mode, no autograd)."""
    model.eval()
    predictions = []
    with torch.no_grad():
        for batch in loader:
            inputs = {key: value for key, value in batch.items() if key != "labels"}
            predictions.extend(model(**inputs).logits.argmax(dim=-1).tolist())
    return predictions
