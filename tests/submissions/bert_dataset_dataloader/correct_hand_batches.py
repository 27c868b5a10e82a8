# Correct: make_dataloader returns a small re-iterable batcher written by hand (slicing the
# padded tensors, shuffling with torch.randperm each epoch) instead of a DataLoader; items of
# EncodedDataset are built lazily; predict uses torch.inference_mode() and returns a tensor's
# tolist(); train_epoch returns the per-example mean loss. Should score 100.
import torch
from torch.utils.data import Dataset

DEFAULT_LR = 2e-5


class EncodedDataset(Dataset):
    def __init__(self, encodings, labels):
        self.encodings = dict(encodings)
        self.labels = torch.tensor([int(x) for x in labels], dtype=torch.long)
        if self.encodings["input_ids"].shape[0] != self.labels.shape[0]:
            raise ValueError("number of labels does not match the number of encoded texts")

    def __len__(self):
        return self.labels.shape[0]

    def __getitem__(self, idx):
        item = {key: val[idx] for key, val in self.encodings.items()}
        item["labels"] = self.labels[idx]
        return item


class Batches:
    def __init__(self, dataset, batch_size, shuffle):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle

    def __len__(self):
        return (len(self.dataset) + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        n = len(self.dataset)
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            index = order[start:start + self.batch_size]
            batch = {key: val[index] for key, val in self.dataset.encodings.items()}
            batch["labels"] = self.dataset.labels[index]
            yield batch


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    encodings = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    return Batches(EncodedDataset(encodings, labels), batch_size, shuffle)


def train_epoch(model, loader, optimizer):
    model.train()
    loss_sum, n = 0.0, 0
    for batch in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        loss_sum += float(loss.detach()) * len(batch["labels"])
        n += len(batch["labels"])
    return loss_sum / n


def predict(model, loader):
    model.eval()
    with torch.inference_mode():
        logits = [model(**{k: v for k, v in b.items() if k != "labels"}).logits for b in loader]
    return torch.cat(logits).argmax(-1).tolist()
