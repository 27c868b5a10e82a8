# Correct: the snippet's own shape, repaired. The datasets are lists of {'text', 'label'} dicts
# built from the arguments (default_collate turns a batch into {'text': [str], 'label': tensor}),
# the optimizer is created, torch is imported, outputs.loss comes from labels=, and the accuracy
# is counted over all texts. Should score 100.
import torch
from torch.utils.data import DataLoader


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    train_dataset = [{"text": t, "label": int(y)} for t, y in zip(texts, labels)]
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    history = []
    for epoch in range(epochs):
        losses = []
        for batch in DataLoader(train_dataset, batch_size=batch_size, shuffle=True, generator=generator):
            inputs = tokenizer(batch["text"], padding=True, truncation=True, return_tensors="pt")
            outputs = model(**inputs, labels=batch["label"])
            loss = outputs.loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
        history.append(sum(losses) / len(losses))
    return history


def predict(model, tokenizer, texts, batch_size=32):
    test_dataset = [{"text": t} for t in texts]
    model.eval()
    predictions = []
    with torch.no_grad():
        for batch in DataLoader(test_dataset, batch_size=batch_size):
            inputs = tokenizer(batch["text"], padding=True, truncation=True, return_tensors="pt")
            logits = model(**inputs).logits
            predictions += logits.argmax(-1).tolist()
    return predictions


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    test_dataset = [{"text": t, "label": int(y)} for t, y in zip(texts, labels)]
    model.eval()
    correct = 0
    with torch.no_grad():
        for batch in DataLoader(test_dataset, batch_size=batch_size):
            inputs = tokenizer(batch["text"], padding=True, truncation=True, return_tensors="pt")
            outputs = model(**inputs, labels=batch["label"])
            correct += (outputs.logits.argmax(-1) == batch["label"]).sum().item()
    return correct / len(test_dataset)
