# correct: DataLoader over indices with a seeded generator, model.zero_grad(), predict sorts texts by length and restores the order, accuracy with tensors
import torch
from torch.utils.data import DataLoader


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    y = torch.tensor([int(label) for label in labels], dtype=torch.long)
    loader = DataLoader(list(range(len(texts))), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    model.train()
    history = []
    for _ in range(epochs):
        losses, sizes = [], []
        for idx in loader:
            enc = tokenizer([texts[i] for i in idx.tolist()], padding=True, truncation=True, return_tensors="pt")
            model.zero_grad()
            out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                        token_type_ids=enc.get("token_type_ids"), labels=y[idx])
            out.loss.backward()
            optimizer.step()
            losses.append(out.loss.item())
            sizes.append(len(idx))
        history.append(sum(l * n for l, n in zip(losses, sizes)) / sum(sizes))
    return history


def predict(model, tokenizer, texts, batch_size=32):
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    result = [None] * len(texts)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            enc = tokenizer([texts[i] for i in chunk], padding=True, truncation=True, return_tensors="pt")
            classes = model(**enc).logits.argmax(-1)
            for i, c in zip(chunk, classes.tolist()):
                result[i] = c
    return result


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    predicted = torch.tensor(predict(model, tokenizer, texts, batch_size=batch_size))
    return (predicted == torch.as_tensor(labels)).float().mean().item()
