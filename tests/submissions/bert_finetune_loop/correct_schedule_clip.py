# Correct: a textbook Hugging Face loop with extras: AdamW, a linear learning-rate schedule with
# warm-up (transformers.get_linear_schedule_with_warmup), gradient clipping, a seeded shuffle per
# epoch with random.Random, and a sequential predict whose accuracy is computed with numpy.
# Should score 100.
import random

import numpy as np
import torch
from transformers import get_linear_schedule_with_warmup


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    rng = random.Random(seed)
    indices = list(range(len(texts)))
    steps = epochs * ((len(texts) + batch_size - 1) // batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    scheduler = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=max(1, steps // 20),
                                                num_training_steps=steps)
    model.train()
    history = []
    for _ in range(epochs):
        rng.shuffle(indices)
        total = 0.0
        for i in range(0, len(indices), batch_size):
            chunk = indices[i:i + batch_size]
            batch = tokenizer([texts[j] for j in chunk], padding=True, truncation=True, return_tensors="pt")
            batch["labels"] = torch.tensor([labels[j] for j in chunk])
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total += loss.item() * len(chunk)
        history.append(total / len(indices))
    return history


def predict(model, tokenizer, texts, batch_size=32):
    model.eval()
    classes = []
    for i in range(0, len(texts), batch_size):
        batch = tokenizer(list(texts[i:i + batch_size]), padding=True, truncation=True, return_tensors="pt")
        with torch.no_grad():
            classes.append(model(**batch).logits.argmax(-1).numpy())
    return np.concatenate(classes).tolist()


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    return float(np.mean(np.array(predict(model, tokenizer, texts, batch_size)) == np.array(labels)))
