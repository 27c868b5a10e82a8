# Correct (any architecture that learns): a one-layer Transformer encoder over the frames with
# sinusoidal positions, a per-utterance standardisation written with torch.var_mean, a greedy
# decoder with an explicit previous-id loop, nn.CTCLoss created in the step.
import math

import torch
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    batch = waveform.reshape(-1, waveform.shape[-1]).float()
    spec = torch.stft(batch, n_fft, hop_length, window=torch.hann_window(n_fft), return_complex=True).abs()
    feats = torch.log(spec + 1e-5).transpose(1, 2)
    var, mean = torch.var_mean(feats.flatten(1), dim=1)
    return (feats - mean[:, None, None]) / var.sqrt()[:, None, None]


class TinyASR(nn.Module):
    def __init__(self, feat_dim, vocab_size, d_model=32):
        super().__init__()
        self.proj = nn.Linear(feat_dim, d_model)
        layer = nn.TransformerEncoderLayer(d_model, 4, 64, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.cls = nn.Linear(d_model, vocab_size)
        self.d_model = d_model

    def positions(self, t):
        pos = torch.arange(t, dtype=torch.float32)[:, None]
        div = torch.exp(torch.arange(0, self.d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / self.d_model))
        pe = torch.zeros(t, self.d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        return pe

    def forward(self, feats):
        h = self.proj(feats) + self.positions(feats.shape[1])
        return self.cls(self.enc(h)).log_softmax(-1)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    criterion = nn.CTCLoss(blank=0, reduction="mean")
    optimizer.zero_grad()
    log_probs = model(feats)
    loss = criterion(log_probs.transpose(0, 1), targets, feat_lengths, target_lengths)
    loss.backward()
    optimizer.step()
    return loss.detach().item()


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    out = []
    for b in range(log_probs.shape[0]):
        prev = None
        text = ""
        for t in range(log_probs.shape[1]):
            k = int(log_probs[b, t].argmax())
            if k != prev and k != blank:
                text += idx_to_char[k]
            prev = k
        out.append(text)
    return out


def transcribe(model, waveform, idx_to_char, blank=0):
    feats = compute_features(waveform)
    model.eval()
    with torch.no_grad():
        lp = model(feats)
    return ctc_greedy_decode(lp, idx_to_char, blank)
