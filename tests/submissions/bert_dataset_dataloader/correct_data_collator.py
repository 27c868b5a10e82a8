# Correct: the textbook Hugging Face recipe: texts are tokenised without padding, make_dataloader
# batches dict examples with transformers.DataCollatorWithPadding (dynamic padding per batch), and
# EncodedDataset (for already padded tensors) keeps per-example dicts in a list. Uses AdamW-style
# fine-tuning rate 5e-5. Should score 100.
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import DataCollatorWithPadding

DEFAULT_LR = 5e-5


class EncodedDataset(Dataset):
    def __init__(self, encodings, labels):
        labels = torch.as_tensor(labels).long()
        self.examples = []
        columns = list(encodings.keys())
        sizes = {len(encodings[c]) for c in columns}
        if sizes != {len(labels)}:
            raise ValueError("every encoding needs exactly one row per label")
        for i in range(len(labels)):
            example = {c: encodings[c][i] for c in columns}
            example["labels"] = labels[i]
            self.examples.append(example)

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]


class _Examples(Dataset):
    def __init__(self, examples):
        self.examples = examples

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    encoded = tokenizer(list(texts), truncation=True, max_length=max_length)
    examples = [{"input_ids": encoded["input_ids"][i], "attention_mask": encoded["attention_mask"][i],
                 "token_type_ids": encoded["token_type_ids"][i], "labels": int(labels[i])}
                for i in range(len(texts))]
    collator = DataCollatorWithPadding(tokenizer, return_tensors="pt")
    return DataLoader(_Examples(examples), batch_size=batch_size, shuffle=shuffle, collate_fn=collator)


def train_epoch(model, loader, optimizer):
    model.train()
    total, count = 0.0, 0
    for batch in loader:
        out = model(**batch)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        total += out.loss.item() * batch["labels"].shape[0]
        count += batch["labels"].shape[0]
    return total / count


def predict(model, loader):
    model.eval()
    classes = []
    with torch.no_grad():
        for batch in loader:
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            classes.extend(int(c) for c in logits.argmax(dim=1))
    return classes
