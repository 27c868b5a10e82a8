# Correct, written differently: sources and targets tokenised by two calls, padding done by transformers'
# DataCollatorForSeq2Seq (label_pad_token_id=-100) inside the DataLoader; training with Adam and
# model.zero_grad(); translate passes the whole encoding to generate.
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import DataCollatorForSeq2Seq


class PairDataset(Dataset):
    def __init__(self, pairs):
        pairs = [tuple(p) for p in pairs]
        for i, (src, tgt) in enumerate(pairs):
            if len(src.strip()) == 0 or len(tgt.strip()) == 0:
                raise ValueError(f"empty text in pair {i}")
            if src.strip().casefold() == tgt.strip().casefold():
                raise ValueError(f"pair {i} copies its source")
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        return self.pairs[i]


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    features = []
    for src, tgt in zip(src_texts, tgt_texts):
        enc = tokenizer(src, truncation=True, max_length=max_length)
        enc["labels"] = tokenizer(text_target=tgt, truncation=True, max_length=max_length)["input_ids"]
        features.append(enc)
    collator = DataCollatorForSeq2Seq(tokenizer, label_pad_token_id=-100, return_tensors="pt")
    batch = collator(features)
    return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"], "labels": batch["labels"]}


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    dataset = PairDataset(pairs)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,
                      collate_fn=lambda items: make_batch(tokenizer, [s for s, _ in items], [t for _, t in items],
                                                          max_length))


def train(model, loader, epochs=1, lr=5e-5):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        model.train()
        epoch = []
        for batch in loader:
            model.zero_grad()
            loss = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                         labels=batch["labels"]).loss
            loss.backward()
            optimizer.step()
            epoch.append(loss.item())
        losses.append(sum(epoch) / len(epoch))
    return losses


def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    enc = tokenizer(texts, return_tensors="pt", padding=True)
    model.eval()
    with torch.no_grad():
        if forced_bos_token_id is None:
            out = model.generate(**enc, max_new_tokens=max_new_tokens, num_beams=1)
        else:
            out = model.generate(**enc, max_new_tokens=max_new_tokens, num_beams=1,
                                 forced_bos_token_id=forced_bos_token_id)
    return [tokenizer.decode(row, skip_special_tokens=True) for row in out]
