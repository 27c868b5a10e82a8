# Correct, in the style of the PyTorch tutorial "Language Translation with nn.Transformer": sequence-first
# tensors inside (batch_first=False, with transposes at the edges), embeddings scaled by sqrt(emb_size),
# a sinusoidal PositionalEncoding module with dropout, xavier initialisation, float masks from
# nn.Transformer.generate_square_subsequent_mask, nn.CrossEntropyLoss(ignore_index), gradient clipping,
# and a greedy decoder that translates one sentence at a time and leaves EOS out.
import math

import torch
import torch.nn as nn


class PositionalEncoding(nn.Module):
    def __init__(self, emb_size, dropout, maxlen=64):
        super().__init__()
        den = torch.exp(-torch.arange(0, emb_size, 2) * math.log(10000) / emb_size)
        pos = torch.arange(0, maxlen).reshape(maxlen, 1)
        pos_embedding = torch.zeros((maxlen, emb_size))
        pos_embedding[:, 0::2] = torch.sin(pos * den)
        pos_embedding[:, 1::2] = torch.cos(pos * den)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("pos_embedding", pos_embedding.unsqueeze(-2))  # (maxlen, 1, emb)

    def forward(self, token_embedding):  # (T, B, emb)
        return self.dropout(token_embedding + self.pos_embedding[: token_embedding.size(0), :])


class TokenEmbedding(nn.Module):
    def __init__(self, vocab_size, emb_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_size)
        self.emb_size = emb_size

    def forward(self, tokens):
        return self.embedding(tokens.long()) * math.sqrt(self.emb_size)


class Seq2SeqTransformer(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=32, nhead=4, num_encoder_layers=2,
                 num_decoder_layers=2, dim_feedforward=64, dropout=0.0, pad_idx=0, max_len=64):
        super().__init__()
        self.pad_idx = pad_idx
        self.transformer = nn.Transformer(d_model=d_model, nhead=nhead, num_encoder_layers=num_encoder_layers,
                                          num_decoder_layers=num_decoder_layers,
                                          dim_feedforward=dim_feedforward, dropout=dropout)
        self.generator = nn.Linear(d_model, tgt_vocab_size)
        self.src_tok_emb = TokenEmbedding(src_vocab_size, d_model)
        self.tgt_tok_emb = TokenEmbedding(tgt_vocab_size, d_model)
        self.positional_encoding = PositionalEncoding(d_model, dropout=dropout, maxlen=max_len)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def forward(self, src, tgt_in):
        src_t, tgt_t = src.transpose(0, 1), tgt_in.transpose(0, 1)  # (S, B), (T, B)
        src_emb = self.positional_encoding(self.src_tok_emb(src_t))
        tgt_emb = self.positional_encoding(self.tgt_tok_emb(tgt_t))
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt_t.size(0))
        src_padding_mask = (src == self.pad_idx)
        tgt_padding_mask = (tgt_in == self.pad_idx)
        outs = self.transformer(src_emb, tgt_emb, None, tgt_mask, None,
                                src_padding_mask, tgt_padding_mask, src_padding_mask)
        return self.generator(outs).transpose(0, 1)


def causal_mask(size):
    return nn.Transformer.generate_square_subsequent_mask(size)


def shift_right(tgt, bos_idx):
    bos = torch.full_like(tgt[:, :1], bos_idx)
    return torch.cat((bos, tgt[:, :-1]), dim=1)


def seq2seq_loss(logits, tgt_out, pad_idx):
    loss_fn = nn.CrossEntropyLoss(ignore_index=pad_idx)
    return loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))


def train_model(model, loader, optimizer, epochs, bos_idx=1, pad_idx=0):
    model.train()
    history = []
    for epoch in range(epochs):
        for src, tgt in loader:
            tgt_input = shift_right(tgt, bos_idx)
            logits = model(src, tgt_input)
            optimizer.zero_grad()
            loss = seq2seq_loss(logits, tgt, pad_idx)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            history.append(loss.item())
    return history


@torch.no_grad()
def greedy_decode(model, src, bos_idx, eos_idx, max_len):
    was_training = model.training
    model.eval()
    results = []
    for i in range(src.size(0)):
        ys = torch.tensor([[bos_idx]], dtype=torch.long)
        for _ in range(max_len):
            out = model(src[i:i + 1], ys)
            next_word = int(out[0, -1].argmax())
            if next_word == eos_idx:
                break
            ys = torch.cat([ys, torch.tensor([[next_word]])], dim=1)
        results.append(ys[0, 1:].tolist())
    model.train(was_training)
    return results
