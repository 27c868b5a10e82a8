# correct: items precomputed as a list of dicts, a hand-written collate_fn, loss from the logits, model.zero_grad(), DEFAULT_LR 5e-5
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

DEFAULT_LR = 5e-5


class EncodedDataset(Dataset):
    def __init__(self, encodings, labels):
        labels = [int(label) for label in labels]
        names = list(encodings.keys())
        for name in names:
            if encodings[name].shape[0] != len(labels):
                raise ValueError("encodings and labels have different lengths")
        self.items = []
        for i, label in enumerate(labels):
            item = {name: encodings[name][i] for name in names}
            item["labels"] = torch.tensor(label, dtype=torch.long)
            self.items.append(item)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def _collate(items):
    return {key: torch.stack([item[key] for item in items]) for key in items[0]}


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    enc = tokenizer(texts, padding="longest", truncation=True, max_length=max_length, return_tensors="pt")
    return DataLoader(EncodedDataset(enc, labels), batch_size=batch_size, shuffle=shuffle, collate_fn=_collate)


def train_epoch(model, loader, optimizer):
    model.train()
    losses = []
    for batch in loader:
        labels = batch["labels"]
        inputs = {k: v for k, v in batch.items() if k != "labels"}
        model.zero_grad()
        loss = F.cross_entropy(model(**inputs).logits, labels)
        loss.backward()
        optimizer.step()
        losses.extend([loss.item()] * len(labels))
    return sum(losses) / len(losses)


def predict(model, loader):
    model.eval()
    with torch.no_grad():
        return [int(c) for batch in loader
                for c in model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)]
