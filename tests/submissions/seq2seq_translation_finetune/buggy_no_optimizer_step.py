# Buggy: train back-propagates but never calls optimizer.step(), so the model never changes. Should fail
# the training check and the default-settings check ("did not change the model"), naming no known bug.
import torch
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    """(source, target) translation pairs, checked: no empty side, no target that merely copies its source."""

    def __init__(self, pairs):
        self.pairs = []
        for index, (source, target) in enumerate(pairs):
            if not source.strip() or not target.strip():
                raise ValueError(f"pair {index} has an empty side: {(source, target)!r}")
            if source.strip().lower() == target.strip().lower():
                raise ValueError(f"pair {index} is not a translation (target == source): {source!r}")
            self.pairs.append((source, target))

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index):
        return self.pairs[index]


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    """Padded source ids and attention mask, and the targets' ids as labels with PAD set to -100."""
    batch = tokenizer(list(src_texts), text_target=list(tgt_texts), padding=True, truncation=True,
                      max_length=max_length, return_tensors="pt")
    labels = batch["labels"].clone()
    labels[labels == tokenizer.pad_token_id] = -100
    return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"], "labels": labels}


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    """A DataLoader over PairDataset(pairs) whose batches are make_batch dicts."""

    def collate(items):
        sources, targets = zip(*items)
        return make_batch(tokenizer, sources, targets, max_length=max_length)

    return DataLoader(PairDataset(pairs), batch_size=batch_size, shuffle=shuffle, collate_fn=collate)


def train(model, loader, epochs=1, lr=5e-5):
    """Fine-tune model in place with AdamW; returns the mean loss of each epoch."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    history = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for batch in loader:
            loss = model(**batch).loss
            optimizer.zero_grad()
            loss.backward()
            size = batch["input_ids"].shape[0]
            total += loss.item() * size
            count += size
        history.append(total / count)
    model.eval()
    return history


def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    """Greedy translation of every text (one string each), forcing the first token when asked."""
    batch = tokenizer(list(texts), padding=True, return_tensors="pt")
    options = {} if forced_bos_token_id is None else {"forced_bos_token_id": forced_bos_token_id}
    model.eval()
    with torch.no_grad():
        generated = model.generate(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                   max_new_tokens=max_new_tokens, num_beams=1, do_sample=False, **options)
    return tokenizer.batch_decode(generated, skip_special_tokens=True)
