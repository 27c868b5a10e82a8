# Correct: the STFT written out by hand (reflect padding, frames by unfold, periodic Hann window,
# torch.fft.rfft), equal to torch.stft's defaults; a conv model with BatchNorm; a while-loop decoder
# over a list of characters; transcribe decorated with @torch.no_grad(). Should score 100.
import torch
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    single = waveform.dim() == 1
    x = waveform.unsqueeze(0) if single else waveform
    x = nn.functional.pad(x.unsqueeze(1), (n_fft // 2, n_fft // 2), mode="reflect").squeeze(1)
    frames = x.unfold(-1, n_fft, hop_length) * torch.hann_window(n_fft)
    magnitude = torch.fft.rfft(frames, dim=-1).abs()
    feats = torch.log(magnitude + 1e-7)
    mu = feats.mean(dim=(1, 2), keepdim=True)
    sigma = feats.std(dim=(1, 2), keepdim=True)
    return (feats - mu) / sigma


class TinyASR(nn.Module):
    def __init__(self, feat_dim, vocab_size):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(feat_dim, 48, 5, padding=2), nn.BatchNorm1d(48), nn.ReLU(),
            nn.Conv1d(48, 48, 3, padding=1), nn.BatchNorm1d(48), nn.ReLU(),
        )
        self.head = nn.Linear(48, vocab_size)

    def forward(self, feats):
        h = self.conv(feats.permute(0, 2, 1)).permute(0, 2, 1)
        return torch.log_softmax(self.head(h), dim=-1)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    for p in model.parameters():
        p.grad = None
    criterion = nn.CTCLoss()
    loss = criterion(model(feats).transpose(0, 1).contiguous(), targets, feat_lengths, target_lengths)
    loss.backward()
    optimizer.step()
    return loss.item()


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    chars = list(idx_to_char)
    out = []
    for row in log_probs.argmax(dim=2).tolist():
        text, i = [], 0
        while i < len(row):
            j = i
            while j + 1 < len(row) and row[j + 1] == row[i]:
                j += 1
            if row[i] != blank:
                text.append(chars[row[i]])
            i = j + 1
        out.append("".join(text))
    return out


@torch.no_grad()
def transcribe(model, waveform, idx_to_char, blank=0):
    previous = model.training
    model.eval()
    texts = ctc_greedy_decode(model(compute_features(waveform)), idx_to_char, blank)
    model.train(previous)
    return texts
