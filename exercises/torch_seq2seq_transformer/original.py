# The seed snippet (002-A2, "implement a Transformer-based machine translation model"), shaped to the
# exercise's API with every bug kept: the model class takes the API's arguments but builds what the
# snippet built, and the training loop is the snippet's loop inside train_model. The snippet has no mask,
# no shift and no decoding; the helpers below do what the snippet effectively did.
import torch
import torch.nn as nn
import torch.optim as optim


class Seq2SeqTransformer(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=32, nhead=4, num_encoder_layers=2,
                 num_decoder_layers=2, dim_feedforward=64, dropout=0.0, pad_idx=0, max_len=64):
        super(Seq2SeqTransformer, self).__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.transformer = nn.Transformer(d_model, nhead, num_encoder_layers)
        self.fc = nn.Linear(d_model, vocab_size)

    def forward(self, src, tgt):
        src = self.embedding(src)
        tgt = self.embedding(tgt)
        output = self.transformer(src, tgt)
        output = self.fc(output)
        return output


def causal_mask(size):
    # The snippet never builds a mask.
    return None


def shift_right(tgt, bos_idx):
    # The snippet feeds the target to the decoder as it is.
    return tgt


def seq2seq_loss(logits, tgt_out, pad_idx):
    criterion = nn.CrossEntropyLoss()
    return criterion(logits, tgt_out)


def train_model(model, loader, optimizer, epochs, bos_idx=1, pad_idx=0):
    criterion = nn.CrossEntropyLoss()
    for epoch in range(num_epochs):
        for src, tgt in data_loader:
            optimizer.zero_grad()
            output = model(src, tgt)
            loss = criterion(output, tgt)
            loss.backward()
            optimizer.step()

        print(f'Epoch: {epoch}, Loss: {loss.item()}')


def greedy_decode(model, src, bos_idx, eos_idx, max_len):
    # The snippet never decodes: it cannot translate anything.
    raise NotImplementedError("the snippet has no decoding")
