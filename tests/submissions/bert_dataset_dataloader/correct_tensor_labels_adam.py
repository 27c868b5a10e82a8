# Correct: labels may come as a tensor (torch.as_tensor), the mismatch check covers every
# encoding, the loader is a DataLoader with a seeded generator when shuffling, train_epoch moves
# batches to the model's device and returns the plain mean of the batch losses, and predict
# restores the model's previous mode. Should score 100.
import torch
from torch.utils.data import DataLoader, Dataset

DEFAULT_LR = 1e-4


class EncodedDataset(Dataset):
    def __init__(self, encodings, labels):
        self.labels = torch.as_tensor(labels, dtype=torch.long).reshape(-1)
        self.encodings = {}
        for name, tensor in encodings.items():
            tensor = torch.as_tensor(tensor)
            if tensor.shape[0] != self.labels.shape[0]:
                raise ValueError(f"{name}: {tensor.shape[0]} rows, {self.labels.shape[0]} labels")
            self.encodings[name] = tensor

    def __len__(self):
        return int(self.labels.shape[0])

    def __getitem__(self, i):
        out = {name: tensor[i].clone() for name, tensor in self.encodings.items()}
        out["labels"] = self.labels[i].clone()
        return out


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    enc = tokenizer(list(texts), padding="longest", truncation=True, max_length=max_length, return_tensors="pt")
    generator = torch.Generator().manual_seed(1234) if shuffle else None
    return DataLoader(EncodedDataset(enc, labels), batch_size=batch_size, shuffle=shuffle, generator=generator)


def train_epoch(model, loader, optimizer):
    device = next(model.parameters()).device
    model.train()
    batch_losses = []
    for batch in loader:
        batch = {k: v.to(device) for k, v in batch.items()}
        optimizer.zero_grad()
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
    return float(torch.tensor(batch_losses).mean())


def predict(model, loader):
    was_training = model.training
    model.eval()
    result = []
    with torch.no_grad():
        for batch in loader:
            inputs = {k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
            result.append(model(**inputs).logits.argmax(dim=-1))
    model.train(was_training)
    return [int(x) for x in torch.cat(result)]
