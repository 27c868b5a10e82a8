# Correct, written differently: make_dataloader pre-tokenises each pair into a dict of tensors and pads
# each batch in its collate_fn with torch's pad_sequence; train uses plain Adam with gradient clipping;
# translate runs its own greedy loop (forcing the first token itself) instead of model.generate.
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = list(pairs)
        for source, target in self.pairs:
            if not source.strip() or not target.strip():
                raise ValueError("empty side in a pair")
            if source.strip().lower() == target.strip().lower():
                raise ValueError("the target is the source")

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index):
        source, target = self.pairs[index]
        return source, target


def _pad(rows, value):
    return pad_sequence([torch.tensor(r) for r in rows], batch_first=True, padding_value=value)


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    src = [tokenizer(s, truncation=True, max_length=max_length)["input_ids"] for s in src_texts]
    tgt = [tokenizer(text_target=t, truncation=True, max_length=max_length)["input_ids"] for t in tgt_texts]
    input_ids = _pad(src, tokenizer.pad_token_id)
    attention_mask = _pad([[1] * len(r) for r in src], 0)
    labels = _pad(tgt, -100)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    dataset = PairDataset(pairs)

    def collate(items):
        return make_batch(tokenizer, [i[0] for i in items], [i[1] for i in items], max_length)

    return DataLoader(dataset=dataset, batch_size=batch_size, shuffle=shuffle, collate_fn=collate)


def train(model, loader, epochs=1, lr=5e-5):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for batch in loader:
            optimizer.zero_grad()
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += loss.item()
            count += 1
        losses.append(total / count)
    return losses


@torch.no_grad()
def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    model.eval()
    enc = tokenizer(list(texts), padding=True, return_tensors="pt")
    encoder_out = model.get_encoder()(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    start = model.config.decoder_start_token_id
    eos = model.config.eos_token_id
    decoded = torch.full((len(texts), 1), start, dtype=torch.long)
    done = torch.zeros(len(texts), dtype=torch.bool)
    for step in range(max_new_tokens):
        logits = model(encoder_outputs=encoder_out, attention_mask=enc["attention_mask"],
                       decoder_input_ids=decoded).logits[:, -1, :]
        nxt = logits.argmax(-1)
        if step == 0 and forced_bos_token_id is not None:
            nxt = torch.full_like(nxt, forced_bos_token_id)
        nxt = torch.where(done, torch.full_like(nxt, tokenizer.pad_token_id), nxt)
        decoded = torch.cat([decoded, nxt[:, None]], dim=1)
        done |= nxt == eos
        if done.all():
            break
    return tokenizer.batch_decode(decoded, skip_special_tokens=True)
