# Correct: items carry the label as a Python int (default_collate turns a batch of ints into a
# LongTensor), make_dataloader pads every text to max_length (padding="max_length"), train_epoch
# pops the labels and computes F.cross_entropy from the logits with model.zero_grad(), and
# predict is decorated with @torch.no_grad() and passes the labels along. Should score 100.
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

DEFAULT_LR = 3e-5


class EncodedDataset(Dataset):
    def __init__(self, encodings, labels):
        labels = [int(y) for y in labels]
        rows = {name: len(tensor) for name, tensor in encodings.items()}
        if any(n != len(labels) for n in rows.values()):
            raise ValueError(f"{rows} rows but {len(labels)} labels")
        self.encodings = encodings
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {**{name: tensor[i] for name, tensor in self.encodings.items()}, "labels": self.labels[i]}


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_length, return_tensors="pt")
    return DataLoader(EncodedDataset(enc, labels), batch_size=batch_size, shuffle=shuffle)


def train_epoch(model, loader, optimizer):
    model.train()
    losses = []
    for batch in loader:
        batch = dict(batch)
        targets = batch.pop("labels")
        model.zero_grad()
        loss = F.cross_entropy(model(**batch).logits, targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


@torch.no_grad()
def predict(model, loader):
    model.eval()
    out = []
    for batch in loader:
        out += model(**batch).logits.argmax(-1).tolist()
    return out
