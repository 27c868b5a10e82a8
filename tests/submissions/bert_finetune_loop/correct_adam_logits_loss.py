# Correct: a torch Dataset and a DataLoader with a collate_fn that tokenises, Adam instead of
# AdamW, model.zero_grad() instead of optimizer.zero_grad(), and the loss computed from the
# logits with F.cross_entropy (no labels= argument). predict is decorated with @torch.no_grad()
# and leaves the model in eval mode; it moves the inputs to model.device. Should score 100.
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


class TextDataset(Dataset):
    def __init__(self, texts, labels=None):
        self.texts = list(texts)
        self.labels = None if labels is None else list(labels)

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        return (self.texts[i], -1 if self.labels is None else int(self.labels[i]))


def _collate(tokenizer):
    def collate(items):
        texts, labels = zip(*items)
        encoded = tokenizer(list(texts), padding="longest", truncation=True, return_tensors="pt")
        return encoded, torch.tensor(labels)
    return collate


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    torch.manual_seed(seed)
    loader = DataLoader(TextDataset(texts, labels), batch_size=batch_size, shuffle=True,
                        collate_fn=_collate(tokenizer))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        running, n = 0.0, 0
        for encoded, targets in loader:
            model.zero_grad()
            logits = model(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"]).logits
            loss = F.cross_entropy(logits, targets)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(targets)
            n += len(targets)
        epoch_losses.append(running / n)
    return epoch_losses


@torch.no_grad()
def predict(model, tokenizer, texts, batch_size=32):
    model.eval()
    loader = DataLoader(TextDataset(texts), batch_size=batch_size, collate_fn=_collate(tokenizer))
    out = []
    for encoded, _ in loader:
        encoded = {k: v.to(model.device) for k, v in encoded.items()}
        out.extend(int(c) for c in model(**encoded).logits.argmax(dim=1))
    return out


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    predicted = torch.tensor(predict(model, tokenizer, texts, batch_size))
    return (predicted == torch.tensor(labels)).float().mean().item()
