# Correct: a conv front end and a bidirectional LSTM, zero_infinity=True, zero_grad(set_to_none=True),
# decoding by itertools.groupby over numpy ids, transcribe with torch.inference_mode and the mode restored.
import itertools

import numpy as np
import torch
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    squeeze = waveform.dim() == 1
    x = waveform.unsqueeze(0) if squeeze else waveform
    magnitude = torch.stft(x, n_fft=n_fft, hop_length=hop_length, window=torch.hann_window(n_fft),
                           return_complex=True).abs()
    log_spec = torch.log(magnitude + 1e-6).transpose(1, 2)
    flat = log_spec.reshape(log_spec.shape[0], -1)
    mean = flat.mean(1).view(-1, 1, 1)
    std = flat.std(1).view(-1, 1, 1)
    return (log_spec - mean) / (std + 1e-8)


class TinyASR(nn.Module):
    def __init__(self, feat_dim, vocab_size):
        super().__init__()
        self.front = nn.Sequential(nn.Conv1d(feat_dim, 32, 3, padding=1), nn.ReLU())
        self.lstm = nn.LSTM(32, 24, batch_first=True, bidirectional=True)
        self.head = nn.Linear(48, vocab_size)

    def forward(self, feats):
        h = self.front(feats.transpose(1, 2)).transpose(1, 2)
        h, _ = self.lstm(h)
        return self.head(h).log_softmax(dim=-1)


CTC = nn.CTCLoss(blank=0, zero_infinity=True)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = CTC(model(feats).transpose(0, 1), targets, feat_lengths, target_lengths)
    loss.backward()
    optimizer.step()
    return loss.item()


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    ids = np.asarray(log_probs.detach().cpu()).argmax(axis=-1)
    texts = []
    for row in ids:
        texts.append("".join(idx_to_char[k] for k, _ in itertools.groupby(row.tolist()) if k != blank))
    return texts


def transcribe(model, waveform, idx_to_char, blank=0):
    mode = model.training
    model.eval()
    try:
        with torch.inference_mode():
            log_probs = model(compute_features(waveform))
    finally:
        model.train(mode)
    return ctc_greedy_decode(log_probs, idx_to_char, blank)
