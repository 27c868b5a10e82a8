# Correct: a unidirectional GRU with a Linear head, log power spectrum (log(|X|^2 + 1e-10)), decoding
# with torch.unique_consecutive, transcribe following the model's device.
import torch
import torch.nn.functional as F
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    if waveform.dim() == 1:
        waveform = waveform[None]
    spec = torch.stft(waveform, n_fft, hop_length=hop_length, window=torch.hann_window(n_fft),
                      return_complex=True)
    power = spec.real ** 2 + spec.imag ** 2
    feats = torch.log(power + 1e-10).permute(0, 2, 1)
    mu = feats.mean(dim=[1, 2], keepdim=True)
    sigma = feats.std(dim=[1, 2], keepdim=True)
    return (feats - mu) / sigma


class TinyASR(nn.Module):
    def __init__(self, feat_dim, vocab_size):
        super().__init__()
        self.rnn = nn.GRU(feat_dim, 48, batch_first=True)
        self.fc = nn.Linear(48, vocab_size)

    def forward(self, feats):
        out, _ = self.rnn(feats)
        return F.log_softmax(self.fc(out), dim=2)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    optimizer.zero_grad()
    log_probs = model(feats).transpose(0, 1)
    loss = F.ctc_loss(log_probs, targets, feat_lengths, target_lengths, blank=0)
    loss.backward()
    optimizer.step()
    return float(loss)


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    best = torch.argmax(log_probs, dim=-1)
    results = []
    for seq in best:
        merged = torch.unique_consecutive(seq)
        results.append("".join(idx_to_char[i] for i in merged.tolist() if i != blank))
    return results


def transcribe(model, waveform, idx_to_char, blank=0):
    device = next(model.parameters()).device
    feats = compute_features(waveform).to(device)
    model.eval()
    with torch.no_grad():
        log_probs = model(feats)
    return ctc_greedy_decode(log_probs.cpu(), idx_to_char, blank)
