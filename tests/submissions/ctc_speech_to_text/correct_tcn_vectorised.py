# Correct: a dilated temporal conv net with residual connections, log10 magnitude with clamp, a
# vectorised decoder (keep frames that differ from the previous one and are not blank), the CTC
# loss on concatenated targets via nn.functional, std with unbiased=False.
import torch
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    wave = waveform if waveform.ndim == 2 else waveform.unsqueeze(0)
    stft = torch.stft(wave, n_fft=n_fft, hop_length=hop_length, win_length=n_fft,
                      window=torch.hann_window(n_fft), center=True, pad_mode="reflect",
                      return_complex=True)
    logmag = torch.log10(stft.abs().clamp_min(1e-8)).transpose(-1, -2)
    std, mean = torch.std_mean(logmag, dim=(-2, -1), keepdim=True, unbiased=False)
    return (logmag - mean) / std


class Block(nn.Module):
    def __init__(self, c, dilation):
        super().__init__()
        self.conv = nn.Conv1d(c, c, 3, padding=dilation, dilation=dilation)

    def forward(self, x):
        return x + torch.relu(self.conv(x))


class TinyASR(nn.Module):
    def __init__(self, feat_dim, vocab_size, width=48):
        super().__init__()
        self.inp = nn.Conv1d(feat_dim, width, 1)
        self.blocks = nn.Sequential(Block(width, 1), Block(width, 2))
        self.out = nn.Conv1d(width, vocab_size, 1)

    def forward(self, feats):
        h = self.blocks(torch.relu(self.inp(feats.transpose(1, 2))))
        return torch.log_softmax(self.out(h), dim=1).transpose(1, 2)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    flat_targets = torch.cat([t[:n] for t, n in zip(targets, target_lengths)])
    out = model(feats)
    loss = nn.functional.ctc_loss(out.permute(1, 0, 2), flat_targets, feat_lengths, target_lengths)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    ids = log_probs.argmax(-1)
    previous = torch.full_like(ids[:, :1], -1)
    keep = (ids != torch.cat([previous, ids[:, :-1]], dim=1)) & (ids != blank)
    return ["".join(idx_to_char[i] for i in row[mask].tolist()) for row, mask in zip(ids, keep)]


@torch.no_grad()
def transcribe(model, waveform, idx_to_char, blank=0):
    model.eval()
    return ctc_greedy_decode(model(compute_features(waveform)), idx_to_char, blank=blank)
