# buggy: predict takes the argmax over the batch axis (dim=0) instead of over the classes
import torch
from torch import nn


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    torch.manual_seed(seed)
    criterion = nn.CrossEntropyLoss(reduction="sum")
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    result = []
    for epoch in range(epochs):
        total = 0.0
        for start in range(0, len(texts), batch_size):
            batch_texts = texts[start:start + batch_size]
            batch_labels = torch.LongTensor(labels[start:start + batch_size])
            inputs = tokenizer(batch_texts, padding=True, truncation=True, return_tensors="pt")
            logits = model(**inputs).logits
            summed = criterion(logits, batch_labels)
            loss = summed / len(batch_labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += summed.item()
        result.append(total / len(texts))
    return result


def predict(model, tokenizer, texts, batch_size=32):
    model.eval()
    out = []
    for start in range(0, len(texts), batch_size):
        inputs = tokenizer(texts[start:start + batch_size], padding=True, truncation=True, return_tensors="pt")
        with torch.no_grad():
            logits = model(**inputs).logits
        out += [int(i) for i in torch.argmax(logits, dim=0)]
    return out


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            inputs = tokenizer(texts[start:start + batch_size], padding=True, truncation=True, return_tensors="pt")
            predicted = model(**inputs).logits.argmax(dim=-1)
            correct += int((predicted == torch.tensor(labels[start:start + batch_size])).sum())
    return correct / len(texts)
