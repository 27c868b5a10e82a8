# Correct: tokenises all texts once (padding to the longest text overall) and slices the tensors
# into batches by hand, in order (no shuffling), with AdamW(weight_decay=0.01) and
# zero_grad(set_to_none=True). predict reads the logits as outputs[0] (no labels given) under
# torch.inference_mode() and returns a tensor's .tolist(); the epoch loss is the plain mean of
# the batch losses. Should score 100.
import torch


def _encode_all(tokenizer, texts):
    return tokenizer(texts, padding=True, truncation=True, return_tensors="pt")


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    enc = _encode_all(tokenizer, list(texts))
    y = torch.tensor(list(labels), dtype=torch.long)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    model.train()
    losses = []
    for epoch in range(epochs):
        batch_losses = []
        for start in range(0, len(texts), batch_size):
            stop = start + batch_size
            out = model(input_ids=enc["input_ids"][start:stop],
                        attention_mask=enc["attention_mask"][start:stop],
                        token_type_ids=enc["token_type_ids"][start:stop],
                        labels=y[start:stop])
            optimizer.zero_grad(set_to_none=True)
            out.loss.backward()
            optimizer.step()
            batch_losses.append(out.loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses


def predict(model, tokenizer, texts, batch_size=32):
    mode = model.training
    model.eval()
    result = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            enc = _encode_all(tokenizer, list(texts[start:start + batch_size]))
            logits = model(**enc)[0]
            result.append(logits.argmax(-1))
    model.train(mode)
    return torch.cat(result).tolist()


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    preds = predict(model, tokenizer, texts, batch_size=batch_size)
    hits = [int(p == int(t)) for p, t in zip(preds, labels)]
    return float(sum(hits)) / float(len(hits))
