"""Probes for torch_seq2seq_transformer: run the student's Transformer and helpers on seeded token ids.

Every input is drawn from a private ``torch.Generator`` (the student's own
random calls cannot shift it). Models are used in eval mode without autograd
where only their function is observed. Where a helper must work with any model
(``train_model``, ``greedy_decode``), the probe gives it a small model of its
own with fixed weights, so that what the helper did is visible exactly. Probes
return evidence (logits, recorded inputs, losses, gradient directions); the
checks judge it.
"""

import copy
import warnings

from grader.probing import probe

# torch's own notice when nn.TransformerEncoder takes its nested-tensor fast path; not about the student's code.
warnings.filterwarnings("ignore", message="The PyTorch API of nested tensors is in prototype stage")

PAD, BOS, EOS = 0, 1, 2
FIRST_WORD = 3  # ids below are special tokens

# Width of every model the probes build from the student's class (small: the suite runs on one core).
SMALL = {"d_model": 32, "nhead": 4, "dim_feedforward": 64, "dropout": 0.0}


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _model(student, src_vocab, tgt_vocab, encoder_layers=2, decoder_layers=2, pad_idx=PAD):
    return student.Seq2SeqTransformer(src_vocab, tgt_vocab, num_encoder_layers=encoder_layers,
                                      num_decoder_layers=decoder_layers, pad_idx=pad_idx, **SMALL)


def _words(generator, shape, vocab):
    """Random non-special token ids below ``vocab``."""
    torch = _torch()
    return torch.randint(FIRST_WORD, vocab, shape, generator=generator)


def _decoder_input(generator, batch, length, vocab):
    """BOS followed by words: what a decoder sees under teacher forcing."""
    torch = _torch()
    words = _words(generator, (batch, length - 1), vocab)
    return torch.cat([torch.full((batch, 1), BOS), words], dim=1)


def _logits(model, src, tgt_in):
    torch = _torch()
    with torch.no_grad():
        out = model(src, tgt_in)
    return out.detach().clone() if isinstance(out, torch.Tensor) else out


# ---------------------------------------------------------------- the model


@probe("forward", cases=[
    {"batch": 2, "src_len": 7, "tgt_len": 5},
    {"batch": 3, "src_len": 4, "tgt_len": 6},
])
def forward(student, batch, src_len, tgt_len):
    """Logits of Seq2SeqTransformer(11, 17) (eval mode) for batch-first source and target ids.

    Every id is below 11, so a model that shares one vocabulary still runs and its
    output shape shows it.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(100 + batch)
    model = _model(student, 11, 17).eval()
    src = _words(g, (batch, src_len), 11)
    return _logits(model, src, _decoder_input(g, batch, tgt_len, 11))


@probe("batch_mix")
def batch_mix(student):
    """Logits before and after re-drawing the source and target of batch item 1 only.

    The batch, source and target lengths are all 4 so that a model that takes
    the batch axis for the time axis runs without an error.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(200)
    model = _model(student, 11, 11).eval()
    src, tgt_in = _words(g, (4, 4), 11), _decoder_input(g, 4, 4, 11)
    before = _logits(model, src, tgt_in)
    src2, tgt2 = src.clone(), tgt_in.clone()
    src2[1] = _words(g, (4,), 11)
    tgt2[1, 1:] = _words(g, (3,), 11)
    return {"before": before, "after": _logits(model, src2, tgt2)}


@probe("causality")
def causality(student):
    """How much the logits at each target position move when one target token changes.

    Returns ``change[i][j]``: the largest change of the logits at position i when
    the decoder-input token at position j is replaced (in every batch item).
    """
    torch = _torch()
    g = torch.Generator().manual_seed(300)
    model = _model(student, 11, 11).eval()
    src, tgt_in = _words(g, (2, 5), 11), _decoder_input(g, 2, 6, 11)
    base = _logits(model, src, tgt_in)
    change = []
    for j in range(tgt_in.size(1)):
        edited = tgt_in.clone()
        edited[:, j] = FIRST_WORD + (edited[:, j] - FIRST_WORD + 3) % (11 - FIRST_WORD)
        moved = (_logits(model, src, edited) - base).abs().amax(dim=(0, 2))
        change.append(moved.tolist())
    return {"change_by_token": change, "scale": float(base.abs().max()), "finite": bool(base.isfinite().all()),
            "shape": list(base.shape)}


@probe("order")
def order(student):
    """One-layer model, weights nudged by noise: logits before and after reordering source or target tokens.

    Source rows hold distinct tokens and are rotated by two places. On the target
    side positions 1 and 2 are swapped; with one decoder layer and a causal mask,
    a decoder that knows no positions gives the same logits at positions 3 and later.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(400)
    model = _model(student, 12, 12, encoder_layers=1, decoder_layers=1).eval()
    with torch.no_grad():  # order-blindness holds for any weights; noise wakes up zero-initialised positions
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.05)
    src = torch.stack([torch.randperm(12 - FIRST_WORD, generator=g)[:6] + FIRST_WORD for _ in range(2)])
    tgt_in = torch.stack([torch.cat([torch.tensor([BOS]),
                                     torch.randperm(12 - FIRST_WORD, generator=g)[:5] + FIRST_WORD])
                          for _ in range(2)])
    base = _logits(model, src, tgt_in)
    swapped = tgt_in.clone()
    swapped[:, [1, 2]] = tgt_in[:, [2, 1]]
    return {
        "base": base,
        "src_rotated": _logits(model, torch.roll(src, 2, dims=1), tgt_in),
        "tgt_swapped": _logits(model, src, swapped),
    }


@probe("layers")
def layers(student):
    """Number of parameters of models with (encoder, decoder) layers (1, 1), (2, 1) and (1, 3)."""
    counts = {}
    for encoder_layers, decoder_layers in ((1, 1), (2, 1), (1, 3)):
        model = _model(student, 11, 13, encoder_layers=encoder_layers, decoder_layers=decoder_layers)
        counts[f"{encoder_layers},{decoder_layers}"] = sum(p.numel() for p in model.parameters())
    return counts


@probe("padding", cases=[{"pad_idx": 0}, {"pad_idx": 5}])
def padding(student, pad_idx):
    """Logits of source rows padded to a common length, and of the same rows alone without padding.

    Rows have 6, 4 and 3 real tokens (never ``pad_idx``); the target side has no padding.
    """
    torch = _torch()
    g = torch.Generator().manual_seed(500 + pad_idx)
    model = _model(student, 12, 12, pad_idx=pad_idx).eval()
    lengths = [6, 4, 3]
    words = [w for w in range(FIRST_WORD, 12) if w != pad_idx]
    src = torch.full((3, 6), pad_idx)
    for row, length in enumerate(lengths):
        src[row, :length] = torch.tensor(words)[torch.randint(0, len(words), (length,), generator=g)]
    tgt_in = torch.cat([torch.full((3, 1), BOS),
                        torch.tensor(words)[torch.randint(0, len(words), (3, 4), generator=g)]], dim=1)
    padded = _logits(model, src, tgt_in)
    alone = [_logits(model, src[row:row + 1, :length], tgt_in[row:row + 1])[0]
             for row, length in enumerate(lengths)]
    return {"padded": padded, "alone": alone, "lengths": lengths}


# ---------------------------------------------------------------- helpers


@probe("causal_mask", cases=[{"size": 1}, {"size": 4}, {"size": 7}])
def causal_mask(student, size):
    """causal_mask(size) as an array (bool or float)."""
    torch = _torch()
    mask = student.causal_mask(size)
    return mask.detach().clone() if isinstance(mask, torch.Tensor) else mask


@probe("shift_right", cases=[{"bos_idx": 1}, {"bos_idx": 9}])
def shift_right(student, bos_idx):
    """shift_right on a (3, 5) target batch with trailing padding; also the input after the call."""
    torch = _torch()
    g = torch.Generator().manual_seed(600 + bos_idx)
    tgt = _words(g, (3, 5), 12)
    tgt[0, 4] = EOS
    tgt[1, 3], tgt[1, 4] = EOS, PAD
    tgt[2, 2], tgt[2, 3:] = EOS, PAD
    original = tgt.clone()
    shifted = student.shift_right(tgt, bos_idx)
    return {"shifted": shifted, "input_after": tgt, "input_before": original}


@probe("loss", cases=[
    {"tgt_len": 5, "vocab": 7, "pad_idx": 0},
    {"tgt_len": 6, "vocab": 6, "pad_idx": 0},
    {"tgt_len": 5, "vocab": 7, "pad_idx": 3},
])
def loss(student, tgt_len, vocab, pad_idx):
    """seq2seq_loss on random (2, T, V) logits and (2, T) targets, some of them pad_idx.

    Returns the value, whether it can be back-propagated, and the inputs (the
    checks compute the cross-entropy from them).
    """
    torch = _torch()
    g = torch.Generator().manual_seed(700 + 10 * tgt_len + vocab + pad_idx)
    logits = (torch.randn(2, tgt_len, vocab, generator=g) * 2).requires_grad_()
    words = [w for w in range(vocab) if w != pad_idx]
    targets = torch.tensor(words)[torch.randint(0, len(words), (2, tgt_len), generator=g)]
    targets[0, -1] = pad_idx
    targets[1, -3:] = pad_idx
    value = student.seq2seq_loss(logits, targets, pad_idx)
    is_tensor = isinstance(value, torch.Tensor)
    return {
        "value": value.detach().clone() if is_tensor else value,
        "differentiable": bool(is_tensor and value.requires_grad),
        "logits": logits.detach(),
        "targets": targets,
    }


# ---------------------------------------------------------------- training loop


def _spy_model(generator, vocab):
    """A small batch-independent seq2seq model with fixed weights that records every call.

    The record lives in closures, not on the module, so that a copy of the model
    does not carry it.
    """
    torch = _torch()
    from torch import nn

    calls = []

    class Core(nn.Module):
        def __init__(self):
            super().__init__()
            self.src_embedding = nn.Embedding(vocab, 8)
            self.tgt_embedding = nn.Embedding(vocab, 8)
            self.position = nn.Parameter(torch.zeros(16, 8))
            self.out = nn.Linear(8, vocab)

        def forward(self, src, tgt_in):
            context = self.src_embedding(src).mean(dim=1, keepdim=True)
            hidden = torch.tanh(self.tgt_embedding(tgt_in) + context + self.position[: tgt_in.size(1)])
            return self.out(hidden)

    class Spy(nn.Module):
        def __init__(self):
            super().__init__()
            self.core = Core()

        def forward(self, src, tgt_in):
            out = self.core(src, tgt_in)
            calls.append({"src": src.detach().clone(), "tgt_in": tgt_in.detach().clone(),
                          "logits": out.detach().clone()})
            return out

    model = Spy()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.5)
    return model, calls


def _reference_gradient(core, src, tgt, bos_idx, pad_idx):
    """Gradient of the correct teacher-forced loss, at the core model's current weights."""
    torch = _torch()
    import torch.nn.functional as F

    clone = copy.deepcopy(core)
    tgt_in = torch.cat([torch.full((tgt.size(0), 1), bos_idx), tgt[:, :-1]], dim=1)
    logits = clone(src, tgt_in)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1), ignore_index=pad_idx)
    grads = torch.autograd.grad(loss, list(clone.parameters()))
    return torch.cat([g.reshape(-1) for g in grads])


@probe("train_spy")
def train_spy(student):
    """train_model(model, loader, SGD, epochs=2, bos_idx=1, pad_idx=0) with a recording model.

    The loader yields 3 batches of (src (4, 5), tgt (4, 6)) with trailing PAD in
    tgt. Returns what train_model returned, every call of the model (its inputs
    and logits), the batches, and for every optimizer step the index of the last
    model call before it and the cosine between the gradient the step used and
    the gradient of the correct loss (BOS-shifted input, PAD ignored).
    """
    torch = _torch()
    from torch.utils.data import DataLoader, TensorDataset

    g = torch.Generator().manual_seed(800)
    vocab = 10
    model, calls = _spy_model(g, vocab)
    src = _words(g, (12, 5), vocab)
    tgt = _words(g, (12, 6), vocab)
    for row in range(12):
        end = 3 + row % 3
        tgt[row, end] = EOS
        tgt[row, end + 1:] = PAD
    batches = [(src[i:i + 4], tgt[i:i + 4]) for i in range(0, 12, 4)]
    steps = []

    class RecordingSGD(torch.optim.SGD):
        def step(self, closure=None):
            used = torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1)
                              for p in model.parameters()])
            last = len(calls) - 1
            batch = None
            if last >= 0:
                batch = next((k for k, (s, _) in enumerate(batches) if torch.equal(s, calls[last]["src"])), None)
            cosine = None
            if batch is not None:
                bsrc, btgt = batches[batch]
                want = _reference_gradient(model.core, bsrc, btgt, BOS, PAD)
                cosine = float(torch.nn.functional.cosine_similarity(used, want, dim=0))
            steps.append({"last_call": last, "batch": batch, "cosine": cosine})
            return super().step(closure)

    optimizer = RecordingSGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(src, tgt), batch_size=4, shuffle=False)
    returned = student.train_model(model, loader, optimizer, 2, BOS, PAD)
    if isinstance(returned, (list, tuple)):
        returned = [float(x) if isinstance(x, (int, float)) else
                    (float(x.detach()) if isinstance(x, torch.Tensor) and x.numel() == 1 else None)
                    for x in returned]
    else:
        returned = {"type": type(returned).__name__}
    return {
        "returned": returned,
        "calls": calls,
        "steps": steps,
        "batches": [{"src": s, "tgt": t} for s, t in batches],
    }


# ---------------------------------------------------------------- learning


def _sort_task(generator, n, vocab, min_len=3, max_len=6):
    """Rows of distinct words (then PAD) and their sorted copy followed by EOS (then PAD)."""
    torch = _torch()
    src = torch.full((n, max_len), PAD)
    tgt = torch.full((n, max_len + 1), PAD)
    lengths = torch.randint(min_len, max_len + 1, (n,), generator=generator)
    for row in range(n):
        length = int(lengths[row])
        words = torch.randperm(vocab - FIRST_WORD, generator=generator)[:length] + FIRST_WORD
        src[row, :length] = words
        tgt[row, :length] = words.sort().values
        tgt[row, length] = EOS
    return src, tgt


def _greedy(model, src, steps):
    """The probe's own greedy decoding (argmax of the last position, no early stop), or what went wrong."""
    torch = _torch()
    generated = torch.full((src.size(0), 1), BOS)
    with torch.no_grad():
        for _ in range(steps):
            logits = model(src, generated)
            if not isinstance(logits, torch.Tensor) or logits.dim() != 3 or logits.shape[:2] != generated.shape:
                shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
                return None, f"for a decoder input of shape {tuple(generated.shape)} the model returned {shape}"
            generated = torch.cat([generated, logits[:, -1].argmax(dim=-1, keepdim=True)], dim=1)
    return generated[:, 1:], None


@probe("learn", cases=[{"seed": 0}], timeout=30)
def learn(student, seed):
    """Train Seq2SeqTransformer(12, 12) with train_model (Adam, lr 5e-3, 60 batches of 32) to sort tokens.

    Returns the losses train_model returned, and the probe's own greedy decoding
    of 100 held-out rows (eval mode) with their targets.
    """
    torch = _torch()
    from torch.utils.data import DataLoader, TensorDataset

    from grader.probing import seed_everything

    seed_everything(seed)
    g = torch.Generator().manual_seed(900 + seed)
    vocab = 12
    src, tgt = _sort_task(g, 60 * 32, vocab)
    test_src, test_tgt = _sort_task(g, 100, vocab)
    model = _model(student, vocab, vocab)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    losses = student.train_model(model, DataLoader(TensorDataset(src, tgt), batch_size=32), optimizer, 1, BOS, PAD)
    model.eval()
    try:
        losses = [float(x) for x in losses]
    except (TypeError, ValueError, RuntimeError):
        losses = None
    predicted, problem = _greedy(model, test_src, test_tgt.size(1))
    return {"losses": losses, "predicted": predicted, "problem": problem, "targets": test_tgt}


# ---------------------------------------------------------------- decoding


def _fixed_decoder(generator, vocab):
    """A small batch-independent model with fixed weights whose greedy outputs end at various lengths."""
    torch = _torch()
    from torch import nn

    class Fixed(nn.Module):
        def __init__(self):
            super().__init__()
            self.src_embedding = nn.Embedding(vocab, 16)
            self.tgt_embedding = nn.Embedding(vocab, 16)
            self.position = nn.Parameter(torch.zeros(32, 16))
            self.out = nn.Linear(16, vocab)

        def forward(self, src, tgt_in):
            context = self.src_embedding(src).mean(dim=1, keepdim=True)
            previous = torch.cumsum(self.tgt_embedding(tgt_in), dim=1) / 2
            logits = self.out(torch.tanh(previous + context + self.position[: tgt_in.size(1)]))
            steps = torch.arange(tgt_in.size(1), dtype=logits.dtype)
            bias = torch.zeros(vocab)
            bias[PAD] = bias[BOS] = -20.0  # never generated
            eos = torch.zeros(vocab)
            eos[EOS] = 1.0
            return logits + bias + eos * (2.0 * steps[:, None] - 4.0)

    model = Fixed()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator))
    return model.eval()


@probe("greedy", cases=[{"max_len": 7}, {"max_len": 3}])
def greedy(student, max_len):
    """greedy_decode on a fixed model for 6 source rows; returns the rows as lists of ints."""
    torch = _torch()
    g = torch.Generator().manual_seed(1000)
    vocab = 9
    model = _fixed_decoder(g, vocab)
    src = _words(g, (6, 5), vocab)
    rows = student.greedy_decode(model, src, BOS, EOS, max_len)
    if isinstance(rows, torch.Tensor):
        rows = rows.tolist()
    if isinstance(rows, (list, tuple)):
        rows = [r.tolist() if isinstance(r, torch.Tensor) else r for r in rows]
    return rows
