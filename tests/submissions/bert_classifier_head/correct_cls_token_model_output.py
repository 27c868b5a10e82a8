# Correct: the head reads the [CLS] position of the last hidden state through a hidden layer
# (Linear, Tanh, Dropout, Linear), forward returns a transformers SequenceClassifierOutput (a
# dict subclass), freezing sets requires_grad=False and fine_tune optimises only the trainable
# parameters with AdamW(weight_decay=0.01); batch_to_inputs unpacks with starred assignment and
# predict runs under torch.inference_mode(). fine_tune and predict read the outputs by key, so
# they work with any model returning a dict. Should score 100.
import torch
from torch import nn
from transformers.modeling_outputs import SequenceClassifierOutput


class BertClassifier(nn.Module):
    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        hidden = encoder.config.hidden_size
        self.encoder = encoder
        self.pre = nn.Linear(hidden, hidden)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, num_labels)
        self.loss_fn = nn.CrossEntropyLoss()
        if freeze_encoder:
            for p in self.encoder.parameters():
                p.requires_grad = False

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        states = self.encoder(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
        logits = self.out(self.drop(torch.tanh(self.pre(states[:, 0]))))
        loss = self.loss_fn(logits, labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)


def batch_to_inputs(batch):
    if isinstance(batch, dict):
        return batch
    input_ids, attention_mask, *rest = batch
    inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
    if rest:
        inputs["labels"] = rest[0]
    return inputs


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=lr, weight_decay=0.01)
    model.train()
    history = []
    for _ in range(epochs):
        total = count = 0
        for batch in dataloader:
            loss = model(**batch_to_inputs(batch))["loss"]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        history.append(total / count)
    return history


def predict(model, dataloader):
    model.eval()
    with torch.inference_mode():
        chunks = []
        for batch in dataloader:
            inputs = batch_to_inputs(batch)
            logits = model(inputs["input_ids"], attention_mask=inputs["attention_mask"])["logits"]
            chunks.append(logits.argmax(1))
    return torch.cat(chunks).long()
