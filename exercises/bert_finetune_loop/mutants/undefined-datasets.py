# ruff: noqa
"""Mutant undefined-datasets: the loops iterate over train_dataset / test_dataset, which are never defined."""

import torch
from torch.utils.data import DataLoader


def _encode(tokenizer, texts):
    """Tokenise a batch of texts: pad to the longest, truncate to the model's limit."""
    return tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")


def _batches(count, batch_size, generator=None):
    """Lists of example indices, in batches of batch_size (shuffled when a generator is given)."""
    if generator is None:
        order = list(range(count))
    else:
        order = torch.randperm(count, generator=generator).tolist()
    return [order[start:start + batch_size] for start in range(0, count, batch_size)]


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    """Fine-tune ``model`` on (texts, labels); return the mean training loss of each epoch."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    targets = torch.as_tensor(labels, dtype=torch.long)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        total, seen = 0.0, 0
        for batch in DataLoader(train_dataset, batch_size=batch_size, shuffle=True, generator=generator):
            inputs = _encode(tokenizer, batch["text"])
            outputs = model(**inputs, labels=batch["label"])
            optimizer.zero_grad()
            outputs.loss.backward()
            optimizer.step()
            total += outputs.loss.item() * len(batch["label"])
            seen += len(batch["label"])
        epoch_losses.append(total / seen)
    return epoch_losses


def predict(model, tokenizer, texts, batch_size=32):
    """Predicted class id of every text, in order (eval mode, no autograd)."""
    was_training = model.training
    model.eval()
    predictions = []
    try:
        with torch.no_grad():
            for batch in DataLoader(test_dataset, batch_size=batch_size):
                inputs = _encode(tokenizer, batch["text"])
                logits = model(**inputs).logits
                predictions.extend(logits.argmax(dim=-1).tolist())
    finally:
        model.train(was_training)
    return predictions


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    """Fraction of all texts whose predicted class equals their label."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    predictions = predict(model, tokenizer, texts, batch_size=batch_size)
    correct = sum(int(p == int(y)) for p, y in zip(predictions, labels))
    return correct / len(texts)
