# buggy: train_epoch returns the loss of the last batch instead of the epoch's mean
import torch
from torch.utils.data import Dataset

DEFAULT_LR = 3e-5


class EncodedDataset(Dataset):
    def __init__(self, encodings, labels):
        self.encodings = dict(encodings)
        self.labels = labels.clone().long() if torch.is_tensor(labels) else torch.LongTensor(list(labels))
        if any(len(v) != len(self.labels) for v in self.encodings.values()):
            raise ValueError("one label per text is needed")

    def __len__(self):
        return self.labels.shape[0]

    def __getitem__(self, idx):
        out = {}
        for k, v in self.encodings.items():
            out[k] = v[idx]
        out["labels"] = self.labels[idx]
        return out


class _Batches:
    def __init__(self, dataset, batch_size, shuffle):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle

    def __iter__(self):
        n = len(self.dataset)
        order = torch.randperm(n).tolist() if self.shuffle else list(range(n))
        for start in range(0, n, self.batch_size):
            items = [self.dataset[i] for i in order[start:start + self.batch_size]]
            yield {k: torch.stack([it[k] for it in items]) for k in items[0]}

    def __len__(self):
        return (len(self.dataset) + self.batch_size - 1) // self.batch_size


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    return _Batches(EncodedDataset(enc, labels), batch_size, shuffle)


def train_epoch(model, loader, optimizer):
    model.train()
    total = 0.0
    count = 0
    for batch in loader:
        out = model(**batch)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        n = batch["labels"].shape[0]
        total += float(out.loss) * n
        count += n
    return float(out.loss)


def predict(model, loader):
    model.eval()
    preds = []
    with torch.no_grad():
        for batch in loader:
            batch = dict(batch)
            batch.pop("labels", None)
            preds += model(**batch).logits.argmax(dim=1).tolist()
    return preds
