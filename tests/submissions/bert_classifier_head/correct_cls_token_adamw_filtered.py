# correct: [CLS] token head, encoder frozen through named_parameters, AdamW over filtered params with weight decay, tuple unpacking, @torch.no_grad predict
import torch
import torch.nn.functional as F


class BertClassifier(torch.nn.Module):
    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        self.encoder = encoder
        self.drop = torch.nn.Dropout(p=dropout)
        self.out = torch.nn.Linear(encoder.config.hidden_size, num_labels)
        for name, p in self.named_parameters():
            if name.startswith("encoder.") and freeze_encoder:
                p.requires_grad = False

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        logits = self.out(self.drop(states[:, 0, :]))
        return {"logits": logits, "loss": None if labels is None else F.cross_entropy(logits, labels.long())}


def batch_to_inputs(batch):
    if hasattr(batch, "keys"):
        return dict(batch)
    if len(batch) == 3:
        input_ids, attention_mask, labels = batch
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
    input_ids, attention_mask = batch
    return {"input_ids": input_ids, "attention_mask": attention_mask}


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    params = filter(lambda p: p.requires_grad, model.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    model.train()
    history = []
    for _ in range(epochs):
        running, n = 0.0, 0
        for step, batch in enumerate(dataloader):
            out = model(**batch_to_inputs(batch))
            loss = out["loss"]
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            running += loss.detach().item()
            n += 1
        history.append(running / max(n, 1))
    return history


@torch.no_grad()
def predict(model, dataloader):
    model.eval()
    return torch.cat([model(**batch_to_inputs(b))["logits"].argmax(-1) for b in dataloader]).long()
