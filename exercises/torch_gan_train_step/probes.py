"""Probes for torch_gan_train_step: run the student's models and training step, return evidence.

Most probes hand ``train_step`` small *spy* models built here (a 2-layer MLP
generator and discriminator with fixed weights and no dropout) and SGD
optimizers with step hooks. The spies record what the student's code fed them
(the noise each generator call received, the images it produced, whether each
discriminator input was still connected to the generator's graph), and at the
moment each optimizer steps the hooks record that model's gradients together
with the gradients a correct loss would give *for the very tensors the
student's code used* (every generator call of that step is a candidate). So
the judge compares directions of gradients, never one fixed random stream: the
student may draw the noise however it likes, call the generator once or twice,
or train G before D.

Data come from private ``torch.Generator`` objects, so the student's own random
calls cannot shift them. Probes return evidence only; the checks judge it.
"""

import contextlib
import copy
import importlib.util
import math
import sys

from grader.probing import probe

Z_DIM = 8
SPY_SHAPE = (1, 4, 4)
STEP_BATCHES = (32, 32, 5)
LEARNING_RATE = 0.05


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


def _returned(value):
    """The losses train_step returned, as plain data (None when it did not return a dict)."""
    if not isinstance(value, dict):
        return {"type": type(value).__name__, "d_loss": None, "g_loss": None}
    return {"type": "dict", "d_loss": _number(value.get("d_loss")), "g_loss": _number(value.get("g_loss"))}


def _flat(tensors):
    torch = _torch()
    return torch.cat([t.detach().reshape(-1).double() for t in tensors])


def _real_batch(n, generator, shape=SPY_SHAPE):
    """Real images in [-1, 1]: a bright diagonal pattern plus noise."""
    torch = _torch()
    images = torch.rand(n, *shape, generator=generator) * 0.6 - 0.8
    pattern = torch.zeros(shape)
    for i in range(min(shape[-2], shape[-1])):
        pattern[..., i, i] = 1.4
    return (images + pattern).clamp(-1, 1)


# ---------------------------------------------------------------- spy models


def _spy_models(seed=5):
    """A generator and a discriminator that record their calls, with fixed weights.

    The record lives in a closure (``log``), not on the modules, so it survives
    copies; ``log["on"] = False`` silences it while the probe itself computes.
    """
    torch = _torch()
    from torch import nn

    log = {"on": True, "g": [], "d": []}
    pixels = math.prod(SPY_SHAPE)

    class SpyGenerator(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(Z_DIM, 12)
            self.out = nn.Linear(12, pixels)

        def forward(self, z):
            h = torch.nn.functional.leaky_relu(self.hidden(z), 0.2)
            images = torch.tanh(self.out(h)).reshape(z.shape[0], *SPY_SHAPE)
            if log["on"]:
                log["g"].append({"z": z.detach().clone(), "out": images.detach().clone()})
            return images

    class SpyDiscriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(pixels, 10)
            self.out = nn.Linear(10, 1)

        def forward(self, x):
            if log["on"]:
                log["d"].append({"connected": bool(x.requires_grad), "rows": int(x.shape[0])})
            h = torch.nn.functional.leaky_relu(self.hidden(x.flatten(1)), 0.2)
            return torch.sigmoid(self.out(h))

    g = torch.Generator().manual_seed(seed)
    G, D = SpyGenerator(), SpyDiscriminator()
    with torch.no_grad():
        for module, scale in ((G, 0.6), (D, 0.7)):
            for p in module.parameters():
                p.copy_(torch.randn(p.shape, generator=g) * scale)
    return G, D, log


def _grad_of(loss, module):
    torch = _torch()
    grads = torch.autograd.grad(loss, list(module.parameters()), allow_unused=True)
    return _flat([torch.zeros_like(p) if gr is None else gr for gr, p in zip(grads, module.parameters(), strict=True)])


def _student_grads(module):
    torch = _torch()
    grads = [p.grad for p in module.parameters()]
    none = all(gr is None for gr in grads)
    flat = _flat([torch.zeros_like(p) if gr is None else gr for gr, p in zip(grads, module.parameters(), strict=True)])
    return flat, none


def _generator_candidates(G, D, calls):
    """For each generator call: G's gradient of the non-saturating loss and of the 'label 0' loss.

    Computed on copies at the current parameters, with the noise that call received.
    """
    torch = _torch()
    g_copy, d_copy = copy.deepcopy(G), copy.deepcopy(D)
    for p in list(g_copy.parameters()) + list(d_copy.parameters()):
        p.requires_grad_(True)
        p.grad = None
    non_saturating, label_zero = [], []
    with torch.enable_grad():
        for call in calls:
            p = d_copy(g_copy(call["z"]))
            non_saturating.append(_grad_of(-torch.log(p.clamp_min(1e-12)).mean(), g_copy))
            p = d_copy(g_copy(call["z"]))
            label_zero.append(_grad_of(-torch.log((1 - p).clamp_min(1e-12)).mean(), g_copy))
    return non_saturating, label_zero


def _discriminator_candidates(D, real, calls):
    """For each generator call: D's gradient of 0.5 * (BCE(D(real), 1) + BCE(D(those fakes), 0))."""
    torch = _torch()
    d_copy = copy.deepcopy(D)
    for p in d_copy.parameters():
        p.requires_grad_(True)
        p.grad = None
    out = []
    with torch.enable_grad():
        for call in calls:
            p_real, p_fake = d_copy(real), d_copy(call["out"])
            loss = 0.5 * (-torch.log(p_real.clamp_min(1e-12)).mean()
                          - torch.log((1 - p_fake).clamp_min(1e-12)).mean())
            out.append(_grad_of(loss, d_copy))
    return out


class _StepSpy:
    """Step hooks on both optimizers that record gradients, candidates and parameter moves."""

    def __init__(self, G, D, log, g_opt, d_opt):
        self.G, self.D, self.log = G, D, log
        self.current = None
        self.handles = [
            g_opt.register_step_pre_hook(lambda opt, args, kwargs: self._pre("g")),
            g_opt.register_step_post_hook(lambda opt, args, kwargs: self._post("g")),
            d_opt.register_step_pre_hook(lambda opt, args, kwargs: self._pre("d")),
            d_opt.register_step_post_hook(lambda opt, args, kwargs: self._post("d")),
        ]

    def begin(self, real):
        self.current = {"real": real, "g_start": len(self.log["g"]), "d_start": len(self.log["d"]),
                        "g_steps": [], "d_steps": []}

    def _calls(self):
        return self.log["g"][self.current["g_start"]:]

    def _pre(self, which):
        if self.current is None:
            return
        was_on, self.log["on"] = self.log["on"], False
        try:
            module = self.G if which == "g" else self.D
            grad, none = _student_grads(module)
            record = {"grad": grad, "none": none, "before": _flat(module.parameters()),
                      "order": len(self.current["g_steps"]) + len(self.current["d_steps"]),
                      "d_calls_before": len(self.log["d"]) - self.current["d_start"]}
            if which == "g":
                record["non_saturating"], record["label_zero"] = _generator_candidates(self.G, self.D, self._calls())
            else:
                record["candidates"] = _discriminator_candidates(self.D, self.current["real"], self._calls())
                record["g_grad"], record["g_none"] = _student_grads(self.G)  # what G holds when D steps
            self.current[f"{which}_steps"].append(record)
        finally:
            self.log["on"] = was_on

    def _post(self, which):
        if self.current is None or not self.current[f"{which}_steps"]:
            return
        module = self.G if which == "g" else self.D
        record = self.current[f"{which}_steps"][-1]
        record["moved"] = float((_flat(module.parameters()) - record.pop("before")).abs().max())

    def end(self, returned):
        step = self.current
        self.current = None
        d_calls = self.log["d"][step["d_start"]:]
        return {
            "batch": int(step["real"].shape[0]),
            "returned": _returned(returned),
            "z": [call["z"] for call in self.log["g"][step["g_start"]:]],
            "connected": [call["connected"] for call in d_calls],
            "g_steps": step["g_steps"],
            "d_steps": step["d_steps"],
        }


@probe("steps")
def steps(student):
    """Three train_steps (batches of 32, 32 and 5) on spy models with plain SGD.

    For every step: the noise each generator call received, whether each
    discriminator input was connected to G's graph, and for every optimizer
    step the model's gradients, the correct-loss candidate gradients, how far
    the parameters moved, its order among the step's optimizer steps and how
    many discriminator calls came before it (and, at d_opt.step, what
    gradient G held then).
    """
    torch = _torch()
    G, D, log = _spy_models()
    g_opt = torch.optim.SGD(G.parameters(), lr=LEARNING_RATE)
    d_opt = torch.optim.SGD(D.parameters(), lr=LEARNING_RATE)
    spy = _StepSpy(G, D, log, g_opt, d_opt)
    data = torch.Generator().manual_seed(11)
    out = []
    for batch in STEP_BATCHES:
        real = _real_batch(batch, data)
        spy.begin(real)
        returned = student.train_step(G, D, real, g_opt, d_opt, Z_DIM)
        out.append(spy.end(returned))
    return {"z_dim": Z_DIM, "steps": out}


@probe("rng")
def rng(student):
    """Two runs of one train_step on identical spy models, each with torch.Generator().manual_seed(7).

    The global RNG is seeded differently before each run, so only noise drawn
    from the given generator is the same in both runs.
    """
    torch = _torch()
    runs = []
    for run in (1, 2):
        G, D, log = _spy_models()
        g_opt = torch.optim.SGD(G.parameters(), lr=LEARNING_RATE)
        d_opt = torch.optim.SGD(D.parameters(), lr=LEARNING_RATE)
        real = _real_batch(6, torch.Generator().manual_seed(12))
        torch.manual_seed(100 + run)
        student.train_step(G, D, real, g_opt, d_opt, Z_DIM, torch.Generator().manual_seed(7))
        runs.append([call["z"] for call in log["g"]])
    return {"first": runs[0], "second": runs[1]}


@probe("losses", cases=[{"p": 0.5}, {"p": 0.8}])
def losses(student, p):
    """train_step's returned losses when D outputs the constant probability p for every image."""
    torch = _torch()
    from torch import nn

    class ConstantDiscriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.score = nn.Linear(math.prod(SPY_SHAPE), 1)
            self.logit = math.log(p / (1 - p))

        def forward(self, x):
            return torch.sigmoid(self.logit + 0.0 * self.score(x.flatten(1)))

    G, _, _ = _spy_models()
    D = ConstantDiscriminator()
    g_opt = torch.optim.SGD(G.parameters(), lr=LEARNING_RATE)
    d_opt = torch.optim.SGD(D.parameters(), lr=LEARNING_RATE)
    real = _real_batch(16, torch.Generator().manual_seed(13))
    return _returned(student.train_step(G, D, real, g_opt, d_opt, Z_DIM))


# ---------------------------------------------------------------- the student's own models


@probe("models", cases=[{"img_shape": None}, {"img_shape": [3, 8, 8]}, {"img_shape": [1, 6, 4]}])
def models(student, img_shape):
    """The student's G and D (eval mode) on 5 noise vectors (and 50 times those) and 5 real images.

    img_shape None: build_generator(16) and build_discriminator() with their
    default image shape (1, 28, 28).
    """
    torch = _torch()
    if img_shape is None:
        G, D, shape, z_dim = student.build_generator(16), student.build_discriminator(), (1, 28, 28), 16
    else:
        shape, z_dim = tuple(img_shape), 5
        G, D = student.build_generator(z_dim, shape), student.build_discriminator(shape)
    info = {"g_type": type(G).__name__, "d_type": type(D).__name__,
            "g_is_module": isinstance(G, torch.nn.Module), "d_is_module": isinstance(D, torch.nn.Module)}
    g = torch.Generator().manual_seed(21)
    z = torch.randn(5, z_dim, generator=g)
    real = _real_batch(5, g, shape)
    G.eval()
    D.eval()
    with torch.no_grad():
        fake = G(z)
        info["g_out"] = fake
        info["g_out_far"] = G(50 * z)  # far-out noise: only a final squashing layer keeps pixels in [-1, 1]
        info["d_real"] = D(real)
        info["d_fake"] = D(fake)
    return info


@probe("own_models")
def own_models(student):
    """Two train_steps (batches of 6 and 4) of the student's own 28x28 models with the snippet's Adam."""
    torch = _torch()
    G, D = student.build_generator(16, (1, 28, 28)), student.build_discriminator((1, 28, 28))
    g_opt = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    g_before, d_before = _flat(G.parameters()), _flat(D.parameters())
    data = torch.Generator().manual_seed(31)
    returned = []
    for batch in (6, 4):
        returned.append(_returned(student.train_step(G, D, _real_batch(batch, data, (1, 28, 28)),
                                                     g_opt, d_opt, 16)))
    return {
        "returned": returned,
        "g_moved": float((_flat(G.parameters()) - g_before).abs().max()),
        "d_moved": float((_flat(D.parameters()) - d_before).abs().max()),
    }


# ---------------------------------------------------------------- no hard-coded device


class HardcodedDeviceError(RuntimeError):
    """Raised by the pretend GPU when code moves a tensor or a model to CUDA."""


@contextlib.contextmanager
def _pretend_gpu():
    """torch.cuda.is_available() says True, but anything actually put on CUDA raises.

    Every input the probe passes lives on the CPU, so code that takes its device
    from its inputs never touches CUDA; code that picks "cuda" by itself does.
    """
    torch = _torch()

    def refuse(*args, **kwargs):
        raise HardcodedDeviceError(
            "a tensor or model was moved to CUDA although every input was on the CPU (the grader "
            "pretends a GPU is available)")

    saved = (torch.cuda.is_available, torch.cuda.device_count, torch.cuda._lazy_init)
    torch.cuda.is_available = lambda: True
    torch.cuda.device_count = lambda: 1
    torch.cuda._lazy_init = refuse
    try:
        yield
    finally:
        torch.cuda.is_available, torch.cuda.device_count, torch.cuda._lazy_init = saved


@contextlib.contextmanager
def _fresh_import(student, name="submission_on_pretend_gpu"):
    """The student's file imported again (its module-level code runs again, e.g. a `device = ...` line)."""
    spec = importlib.util.spec_from_file_location(name, student.__file__)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)


@probe("device")
def device(student):
    """On a pretend GPU: the student's file imported again, its builders, and one train_step.

    The train_step runs on spy models and a real batch that live on the CPU.
    What the builders raise is recorded as data (only a move to CUDA matters
    here; the builders are checked elsewhere); what train_step raises
    propagates.
    """
    torch = _torch()
    with _pretend_gpu(), _fresh_import(student) as module:
        build_error = None
        try:
            G_own = module.build_generator(Z_DIM, (1, 8, 8))
            D_own = module.build_discriminator((1, 8, 8))
            with torch.no_grad():
                D_own(G_own(torch.zeros(2, Z_DIM)))
        except HardcodedDeviceError:
            raise
        except Exception as exc:  # not this check's business: recorded, not judged here
            build_error = type(exc).__name__
        G, D, _ = _spy_models()
        g_opt = torch.optim.SGD(G.parameters(), lr=LEARNING_RATE)
        d_opt = torch.optim.SGD(D.parameters(), lr=LEARNING_RATE)
        real = _real_batch(6, torch.Generator().manual_seed(41))
        returned = module.train_step(G, D, real, g_opt, d_opt, Z_DIM)
    return {"build_error": build_error, "returned": _returned(returned)}
