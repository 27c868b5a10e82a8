# Buggy: train_classifier never calls model.train(); the model comes in eval mode (as
# from_pretrained returns it), so it is fine-tuned with dropout off. Should fail
# test_trains_in_training_mode only; names no known bug.
import torch


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
    epoch_losses = []
    for _ in range(epochs):
        total, seen = 0.0, 0
        for index in _batches(len(texts), batch_size, generator):
            inputs = _encode(tokenizer, [texts[i] for i in index])
            outputs = model(**inputs, labels=targets[index])
            optimizer.zero_grad()
            outputs.loss.backward()
            optimizer.step()
            total += outputs.loss.item() * len(index)
            seen += len(index)
        epoch_losses.append(total / seen)
    return epoch_losses


def predict(model, tokenizer, texts, batch_size=32):
    """Predicted class id of every text, in order (eval mode, no autograd)."""
    was_training = model.training
    model.eval()
    predictions = []
    try:
        with torch.no_grad():
            for index in _batches(len(texts), batch_size):
                inputs = _encode(tokenizer, [texts[i] for i in index])
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
