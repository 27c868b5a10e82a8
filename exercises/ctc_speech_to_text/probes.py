"""Probes for ctc_speech_to_text: features, a tiny CTC model, its training step, decoding, transcription.

Every input comes from a private ``torch.Generator`` (the student's own random
calls cannot shift it). ``ctc_train_step``, ``ctc_greedy_decode`` and
``transcribe`` run on models built here with fixed weights (for
``transcribe``, an "oracle" that reads the tone of each character off the
features), so their observations can be compared with the reference
solution's or with what the checks compute themselves. ``TinyASR`` is
observed through its outputs and what it learns. Probes return evidence only.
"""

import math

from grader.probing import probe, seed_everything

SAMPLE_RATE = 16000
TONES = {"a": 500.0, "b": 1500.0, "c": 3000.0}  # the oracle's "phonemes": one pure tone per character
ORACLE_CHARS = "_abc"  # blank first


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _number(value):
    """A 1-element tensor or numpy scalar as a float; anything else unchanged."""
    if hasattr(value, "numel") and hasattr(value, "item") and value.numel() == 1:
        return float(value.item())
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "size", 0) == 1:
        return float(value.item())
    return value


def _plain(value, depth=0):
    """A student's return value as plain data: str, numbers, lists, arrays; else its type name."""
    torch = _torch()
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if type(value).__module__ == "numpy":
        if getattr(value, "dtype", None) is not None and value.dtype.kind in "biuf":
            return value
        return {"unsupported": f"numpy array of dtype {value.dtype}"}
    if isinstance(value, (list, tuple)) and depth < 3:
        return [_plain(v, depth + 1) for v in value[:64]]
    return {"unsupported": type(value).__name__}


def _flat_parameters(model):
    torch = _torch()
    return torch.cat([p.detach().reshape(-1).clone() for p in model.parameters()])


# ---------------------------------------------------------------- compute_features


def _signals(batch, length, generator):
    """Tones (one steady, one gliding), a burst of noise and a faint noise floor: varied, never silent."""
    torch = _torch()
    t = torch.arange(length, dtype=torch.float32) / SAMPLE_RATE
    rows = []
    for i in range(batch):
        f0 = 300.0 + 1700.0 * float(torch.rand(1, generator=generator))
        glide = f0 * (1 + 0.5 * t / t[-1])
        x = 0.3 * torch.sin(2 * math.pi * f0 * t) + 0.2 * torch.sin(2 * math.pi * torch.cumsum(glide, 0) / SAMPLE_RATE)
        burst = torch.zeros(length)
        start = int(torch.randint(0, length // 2, (1,), generator=generator))
        burst[start:start + length // 4] = 0.2 * torch.randn(len(burst[start:start + length // 4]), generator=generator)
        rows.append((x + burst + 0.01 * torch.randn(length, generator=generator)) * (1 + i))
    return torch.stack(rows)


@probe("feature_shape")
def feature_shape(student):
    """compute_features (default n_fft and hop_length) of 2 one-second 16 kHz noisy tones (the public check)."""
    torch = _torch()
    t = torch.arange(16000, dtype=torch.float32) / 16000
    g = torch.Generator().manual_seed(5)
    waves = torch.stack([0.5 * torch.sin(2 * math.pi * f * t) + 0.05 * torch.randn(16000, generator=g)
                         for f in (440.0, 880.0)])
    return _plain(student.compute_features(waves))


FEATURE_CASES = [
    {"n_fft": None, "hop_length": None, "length": 16000},  # the defaults: 400 and 160
    {"n_fft": 256, "hop_length": 128, "length": 12000},
    {"n_fft": 512, "hop_length": 200, "length": 9000},
]


@probe("features", cases=FEATURE_CASES)
def features(student, n_fft, hop_length, length):
    """compute_features of a (2, length) batch, and of each of its rows given alone as (length,).

    With n_fft None the defaults are used (the call passes no n_fft or
    hop_length). Returns the features of the batch and of each single row.
    """
    torch = _torch()
    waves = _signals(2, length, torch.Generator().manual_seed(length))
    kwargs = {} if n_fft is None else {"n_fft": n_fft, "hop_length": hop_length}
    batch = student.compute_features(waves.clone(), **kwargs)
    singles = [student.compute_features(waves[i].clone(), **kwargs) for i in range(2)]
    return {"batch": _plain(batch), "singles": [_plain(s) for s in singles]}


# ---------------------------------------------------------------- ctc_greedy_decode


def _log_probs_for(ids, vocab_size, generator):
    """Log-probabilities (B, T, V) whose per-frame argmax is ``ids`` (B, T), by a clear margin."""
    torch = _torch()
    ids = torch.tensor(ids)
    logits = torch.randn(*ids.shape, vocab_size, generator=generator)
    logits.scatter_(-1, ids.unsqueeze(-1), 6.0)
    return logits.log_softmax(-1)


DECODE_CASES = {
    # The statement's example: collapse repeats, then drop blanks ("_ab": blank first).
    "example": {"ids": [[1, 1, 0, 1, 2, 0, 2]], "chars": "_ab", "blank": 0},
    # A batch: blanks at both ends, repeats with and without a blank between, a space, an all-blank row.
    "batch": {"ids": [[0, 3, 3, 3, 0, 0, 1, 4, 4, 1, 0, 5, 5, 0, 2, 2, 0, 2, 0, 0],
                      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                      [2, 0, 2, 2, 0, 2, 5, 5, 5, 4, 3, 3, 0, 3, 1, 1, 1, 1, 0, 4]],
              "chars": ["-", "c", "a", "t", " ", "s"], "blank": 0},
    # The blank is the last index.
    "blank_last": {"ids": [[0, 0, 4, 4, 1, 4, 1, 2, 2, 3, 4, 3, 3]], "chars": ["h", "e", "l", "o", "|"], "blank": 4},
}


@probe("decode", cases=[{"which": which} for which in DECODE_CASES])
def decode(student, which):
    """ctc_greedy_decode on log-probabilities built for known per-frame best ids; returns what it returned."""
    torch = _torch()
    case = DECODE_CASES[which]
    log_probs = _log_probs_for(case["ids"], len(case["chars"]), torch.Generator().manual_seed(len(which)))
    chars = case["chars"]
    chars = chars if isinstance(chars, str) else list(chars)
    returned = student.ctc_greedy_decode(log_probs, chars, blank=case["blank"])
    return {"returned": _plain(returned), "type": type(returned).__name__, "ids": case["ids"],
            "chars": list(case["chars"]), "blank": case["blank"]}


# ---------------------------------------------------------------- TinyASR


@probe("model", cases=[{"feat_dim": 16, "vocab_size": 5, "batch": 3, "frames": 20},
                       {"feat_dim": 201, "vocab_size": 29, "batch": 2, "frames": 50}])
def model(student, feat_dim, vocab_size, batch, frames):
    """Output of a fresh TinyASR(feat_dim, vocab_size) on (batch, frames, feat_dim) features, in eval mode."""
    torch = _torch()
    feats = torch.randn(batch, frames, feat_dim, generator=torch.Generator().manual_seed(feat_dim))
    net = student.TinyASR(feat_dim, vocab_size)
    net.eval()
    with torch.no_grad():
        out = net(feats)
    trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
    return {"log_probs": _plain(out), "trainable": int(trainable)}


# ---------------------------------------------------------------- ctc_train_step


def _linear_ctc_model(generator, feat_dim, vocab_size):
    """BatchNorm over the features, a per-frame Linear layer with fixed weights, then log_softmax.

    (B, T, F) -> (B, T, V). The batch norm makes training mode observable: in
    training mode it standardises with the batch's statistics, in eval mode
    (fresh running statistics) it is the identity, so a step taken in eval mode
    moves the weights differently.
    """
    torch = _torch()
    from torch import nn

    class LinearCTC(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = nn.BatchNorm1d(feat_dim)
            self.proj = nn.Linear(feat_dim, vocab_size)
            with torch.no_grad():
                self.proj.weight.copy_(torch.randn(vocab_size, feat_dim, generator=generator) * 0.5)
                self.proj.bias.copy_(torch.randn(vocab_size, generator=generator) * 0.5)

        def forward(self, x):
            return self.proj(self.norm(x.transpose(1, 2)).transpose(1, 2)).log_softmax(-1)

    return LinearCTC()


def _ctc_sgd_step(net, feats, targets, feat_lengths, target_lengths, lr, reduction="mean", train_mode=True):
    """One SGD step as a loop with one known mistake (or none) would take it: evidence for the judge."""
    torch = _torch()
    from torch import nn

    net.train(train_mode)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    nn.CTCLoss(blank=0, reduction=reduction)(net(feats).transpose(0, 1), targets, feat_lengths,
                                             target_lengths).backward()
    optimizer.step()
    return _flat_parameters(net)


@probe("train_step")
def train_step(student):
    """One ctc_train_step with plain SGD (lr 0.5) on a fixed per-frame model with BatchNorm.

    4 utterances of 12 frames (feature lengths 12, 10, 8, 12), targets padded
    with 0 to 3 characters (lengths 3, 1, 2, 2). The model is handed over in
    eval mode (as after transcribe), so a step that never switches to training
    mode moves it differently. Returns what it returned, the parameters before
    and after, and, as evidence for the judge, the parameters a step on the
    summed (not mean) CTC loss, or a step in eval mode, would reach.
    """
    torch = _torch()

    g = torch.Generator().manual_seed(71)
    net = _linear_ctc_model(g, 6, 5)
    feats = torch.randn(4, 12, 6, generator=g)
    targets = torch.tensor([[1, 2, 3], [4, 0, 0], [2, 2, 0], [3, 1, 0]])
    feat_lengths = torch.tensor([12, 10, 8, 12])
    target_lengths = torch.tensor([3, 1, 2, 2])
    lr = 0.5
    batch = (feats, targets, feat_lengths, target_lengths)
    summed = _ctc_sgd_step(_linear_ctc_model(torch.Generator().manual_seed(71), 6, 5), *batch, lr, reduction="sum")
    in_eval_mode = _ctc_sgd_step(_linear_ctc_model(torch.Generator().manual_seed(71), 6, 5), *batch, lr,
                                 train_mode=False)

    net.eval()
    initial = _flat_parameters(net)
    returned = student.ctc_train_step(net, feats.clone(), targets.clone(), feat_lengths.clone(),
                                      target_lengths.clone(), torch.optim.SGD(net.parameters(), lr=lr))
    return {"returned": _plain(_number(returned)), "initial": initial, "parameters": _flat_parameters(net),
            "summed_loss_step": summed, "eval_mode_step": in_eval_mode}


# ---------------------------------------------------------------- learning


def ctc_data(n, generator, feat_dim=16, n_chars=4, max_chars=3):
    """Band-per-character features: character k (1..n_chars) energises its own band of feature dims.

    Each utterance holds 1 to max_chars characters, each 2-3 frames long with
    1-2 silent frames after it (so repeated characters stay apart), over
    Gaussian noise; utterances are zero-padded to the longest and returned with
    their lengths. Targets are padded with 0 (the blank).
    """
    torch = _torch()
    band = feat_dim // n_chars
    frames, texts = [], []
    for _ in range(n):
        count = int(torch.randint(1, max_chars + 1, (1,), generator=generator))
        chars = torch.randint(1, n_chars + 1, (count,), generator=generator).tolist()
        rows = [torch.zeros(feat_dim) for _ in range(int(torch.randint(0, 2, (1,), generator=generator)))]
        for c in chars:
            for _ in range(int(torch.randint(2, 4, (1,), generator=generator))):
                row = torch.zeros(feat_dim)
                row[(c - 1) * band:c * band] = 1.0
                rows.append(row)
            rows.extend(torch.zeros(feat_dim) for _ in range(int(torch.randint(1, 3, (1,), generator=generator))))
        frames.append(torch.stack(rows))
        texts.append(chars)
    longest = max(f.shape[0] for f in frames)
    feats = torch.zeros(n, longest, feat_dim)
    for i, f in enumerate(frames):
        feats[i, :f.shape[0]] = f
    feats += 0.3 * torch.randn(n, longest, feat_dim, generator=generator)
    targets = torch.zeros(n, max_chars, dtype=torch.long)
    for i, chars in enumerate(texts):
        targets[i, :len(chars)] = torch.tensor(chars)
    return (feats, targets, torch.tensor([f.shape[0] for f in frames]),
            torch.tensor([len(chars) for chars in texts]))


@probe("learn", cases=[{"seed": 0}], timeout=30)
def learn(student, seed):
    """Train TinyASR(16, 5) with ctc_train_step: Adam (lr 1e-2), 120 steps over 320 utterances in batches of 16.

    Returns the losses ctc_train_step reported and the trained model's
    log-probabilities (eval mode, computed here) on 64 held-out utterances,
    with their lengths and targets; the checks decode them.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(2000 + seed)
    train = ctc_data(320, g)
    test = ctc_data(64, g)
    seed_everything(seed)
    net = student.TinyASR(16, 5)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
    order = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(6):
        permutation = torch.randperm(320, generator=order)
        for start in range(0, 320, 16):
            idx = permutation[start:start + 16]
            longest = int(train[2][idx].max())
            losses.append(_plain(_number(student.ctc_train_step(
                net, train[0][idx, :longest], train[1][idx], train[2][idx], train[3][idx], optimizer))))
    net.eval()
    with torch.no_grad():
        log_probs = net(test[0])
    return {"losses": losses, "log_probs": _plain(log_probs), "feat_lengths": test[2], "targets": test[1],
            "target_lengths": test[3]}


# ---------------------------------------------------------------- transcribe


def speak(text, generator, length=16000):
    """A waveform "saying" text: each character a 0.12 s tone (see TONES), 0.08 s of near-silence between."""
    torch = _torch()
    wave = 0.001 * torch.randn(length, generator=generator)
    n = int(0.12 * SAMPLE_RATE)
    t = torch.arange(n, dtype=torch.float32) / SAMPLE_RATE
    ramp = torch.ones(n)
    fade = int(0.005 * SAMPLE_RATE)
    ramp[:fade] = torch.linspace(0, 1, fade)
    ramp[-fade:] = torch.linspace(1, 0, fade)
    position = int(0.05 * SAMPLE_RATE)
    for ch in text:
        phase = float(torch.rand(1, generator=generator)) * 2 * math.pi
        wave[position:position + n] += 0.3 * ramp * torch.sin(2 * math.pi * TONES[ch] * t + phase)
        position += n + int(0.08 * SAMPLE_RATE)
    return wave


def _oracle(record, blank_last=False):
    """Reads each frame's character off the features: the mean of 3 bins around each tone, vs a threshold.

    ``record`` (a list) receives, at every forward, [self.training,
    torch.is_grad_enabled()]: the mode and autograd state the model ran in.
    Its vocabulary is ORACLE_CHARS (blank 0), or "abc_" (blank 3) with
    ``blank_last``.
    """
    torch = _torch()
    from torch import nn

    bins = [round(f * 400 / SAMPLE_RATE) for f in TONES.values()]  # compute_features' default n_fft

    class ToneOracle(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.tensor(4.0))

        def forward(self, feats):
            record.append([bool(self.training), bool(torch.is_grad_enabled())])
            blank = [torch.full(feats.shape[:2], 1.5)]
            tones = [feats[..., b - 1:b + 2].mean(-1) for b in bins]
            scores = tones + blank if blank_last else blank + tones
            return (self.scale * torch.stack(scores, -1)).log_softmax(-1)

    return ToneOracle()


TRANSCRIBE_CASES = [{"texts": ["abc", "caab"], "blank": 0}, {"texts": ["ba"], "blank": 0},
                    {"texts": ["cab", "bc"], "blank": 3}]


@probe("transcribe", cases=TRANSCRIBE_CASES)
def transcribe(student, texts, blank):
    """transcribe with the tone oracle: a (B, 16000) batch, or a single (16000,) waveform for one text.

    With blank 3 the oracle's vocabulary is "abc_" (the blank last) and
    transcribe is called with blank=3. The oracle is handed over in training
    mode; it records the mode and the autograd state of every forward pass
    transcribe makes.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(81 + len(texts) + blank)
    waves = torch.stack([speak(text, g) for text in texts])
    forwards = []
    net = _oracle(forwards, blank_last=blank == 3)
    net.train()
    chars = "abc_" if blank == 3 else ORACLE_CHARS
    wave = waves if len(texts) > 1 else waves[0]
    returned = student.transcribe(net, wave, chars, blank=3) if blank == 3 else \
        student.transcribe(net, wave, chars)
    return {"returned": _plain(returned), "type": type(returned).__name__, "forwards": forwards}
