# Correct, written differently: make_batch returns the tokenizer's own BatchEncoding (not a dict) with
# the labels' padding masked in place; make_dataloader tokenises every pair once and lets transformers'
# DataCollatorForSeq2Seq pad each batch (its batches are BatchEncodings too); train computes the loss
# from the logits; translate uses beam-free generate with the encoding unpacked.
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import DataCollatorForSeq2Seq


class PairDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = [(str(s), str(t)) for s, t in pairs]
        bad = [i for i, (s, t) in enumerate(self.pairs)
               if not s.strip() or not t.strip() or s.strip().lower() == t.strip().lower()]
        if bad:
            raise ValueError(f"pairs {bad} are not translations")

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        return self.pairs[i]


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    batch = tokenizer(list(src_texts), text_target=list(tgt_texts), padding=True, truncation=True,
                      max_length=max_length, return_tensors="pt")
    batch["labels"] = batch["labels"].masked_fill(batch["labels"] == tokenizer.pad_token_id, -100)
    return batch


class _Encoded(Dataset):
    def __init__(self, tokenizer, dataset, max_length):
        self.rows = [tokenizer(s, text_target=t, truncation=True, max_length=max_length) for s, t in dataset]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    encoded = _Encoded(tokenizer, PairDataset(pairs), max_length)
    collator = DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=-100, return_tensors="pt")
    return DataLoader(encoded, batch_size=batch_size, shuffle=shuffle, collate_fn=collator)


def train(model, loader, epochs=1, lr=5e-5):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    losses = []
    for _ in range(epochs):
        model.train()
        total = n = 0
        for batch in loader:
            logits = model(**batch).logits
            loss = loss_fn(logits.view(-1, logits.shape[-1]), batch["labels"].view(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch["input_ids"])
            n += len(batch["input_ids"])
        losses.append(total / n)
    return losses


def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    inputs = tokenizer(list(texts), padding=True, return_tensors="pt")
    extra = {"forced_bos_token_id": forced_bos_token_id} if forced_bos_token_id is not None else {}
    model.eval()
    with torch.no_grad():
        out = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1, **extra)
    return tokenizer.batch_decode(out, skip_special_tokens=True)
