"""Probes for gan_image_sampling: run the student's generator, sampler, converter and checkpoints.

``sample_images`` is mostly run on a *spy* generator built here: a plain
``nn.Module`` (no ``generate`` method) with a BatchNorm layer whose running
statistics differ from any batch's, that records the noise it receives, the
images it returns, and whether it ran in training mode and with autograd on.
So the judge sees what the student's code did with the generator, without
comparing one fixed random stream. Inputs come from private
``torch.Generator`` objects. Probes return evidence only; the checks judge it.
"""

import contextlib
import importlib.util
import os
import sys
import tempfile

from grader.probing import probe

LATENT = 8
SPY_CHANNELS, SPY_SIZE = 3, 4


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _spy_generator(seed=3):
    """A tiny generator that records every call (in a closure, so the record survives copies)."""
    torch = _torch()
    from torch import nn

    log = {"on": True, "calls": []}
    features = SPY_CHANNELS * SPY_SIZE * SPY_SIZE

    class SpyGenerator(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Linear(LATENT, features)
            self.norm = nn.BatchNorm1d(features)

        def forward(self, z):
            images = torch.tanh(self.norm(self.project(z))).reshape(z.shape[0], SPY_CHANNELS, SPY_SIZE, SPY_SIZE)
            if log["on"]:
                log["calls"].append({"z": z.detach().clone(), "out": images.detach().clone(),
                                     "training": self.training, "grad": torch.is_grad_enabled()})
            return images

    g = torch.Generator().manual_seed(seed)
    model = SpyGenerator()
    with torch.no_grad():
        model.project.weight.copy_(torch.randn(model.project.weight.shape, generator=g))
        model.project.bias.copy_(torch.randn(features, generator=g) * 0.3)
        model.norm.running_mean.copy_(torch.randn(features, generator=g) * 0.5)
        model.norm.running_var.copy_(torch.rand(features, generator=g) + 0.5)
    return model, log


def _buffers(model):
    torch = _torch()
    return torch.cat([b.detach().reshape(-1).double() for b in model.buffers() if b.is_floating_point()])


def _as_evidence(value):
    """What sample_images returned: its type, and the array when it is a tensor."""
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return {"type": "Tensor", "array": value.detach().cpu(), "requires_grad": bool(value.requires_grad)}
    return {"type": type(value).__name__, "array": None, "requires_grad": None}


# ---------------------------------------------------------------- the student's Generator


@probe("generator", cases=[
    {"latent_dim": None, "channels": None, "img_size": None},
    {"latent_dim": 16, "channels": 1, "img_size": 8},
    {"latent_dim": 32, "channels": 3, "img_size": 16},
])
def generator(student, latent_dim, channels, img_size):
    """Generator() (defaults 128, 3, 32) or Generator(latent_dim, channels, img_size), eval mode, 4 noise vectors.

    Also its output for 50 times that noise (only a final squashing layer keeps it in [-1, 1]).
    """
    torch = _torch()
    if latent_dim is None:
        model, latent_dim = student.Generator(), 128
    else:
        model = student.Generator(latent_dim=latent_dim, channels=channels, img_size=img_size)
    info = {"type": type(model).__name__, "is_module": isinstance(model, torch.nn.Module)}
    z = torch.randn(4, latent_dim, generator=torch.Generator().manual_seed(5))
    model.eval()
    with torch.no_grad():
        info["out"] = model(z)
        info["out_far"] = model(50 * z)
    return info


# ---------------------------------------------------------------- to_uint8_images

_EDGE_VALUES = [1.2, -1.3, 1.0, -1.0, 0.0, 0.999, -0.999, 5.0, -7.0, 1.0001, -1.0001, 0.5, -0.5, 1.05, -1.05, 0.25]


@probe("uint8", cases=[{"kind": "edges"}, {"kind": "random"}, {"kind": "gray_with_grad"}])
def uint8(student, kind):
    """to_uint8_images on (N, C, H, W) tensors: edge values, random values, a 1-channel tensor that requires grad."""
    torch = _torch()
    g = torch.Generator().manual_seed({"edges": 61, "random": 62, "gray_with_grad": 63}[kind])
    if kind == "edges":
        x = torch.rand(2, 3, 2, 4, generator=g) * 2 - 1
        x.view(-1)[: len(_EDGE_VALUES)] = torch.tensor(_EDGE_VALUES)
    elif kind == "random":
        x = torch.rand(3, 3, 5, 7, generator=g) * 2.1 - 1.05
    else:
        weight = torch.randn(2, 1, 4, 6, generator=g).requires_grad_(True)
        x = torch.tanh(weight * 1.5)  # a result of autograd: requires grad, has a grad_fn
    out = student.to_uint8_images(x)
    return {"input": x.detach(), "type": type(out).__name__, "output": out}


# ---------------------------------------------------------------- sample_images on the spy generator


@probe("sample", cases=[{"training": True}, {"training": False}])
def sample(student, training):
    """Five sample_images calls (seeds 5, 5, 6, None, None; n=6) on a spy generator in training or eval mode.

    For every call: what it returned, the noise and images of every generator
    call it made, their training and autograd flags, and the generator's mode
    afterwards; and how far the BatchNorm running statistics moved overall.
    """
    model, log = _spy_generator()
    model.train(training)
    buffers = _buffers(model)
    calls = []
    for seed in (5, 5, 6, None, None):
        start = len(log["calls"])
        returned = student.sample_images(model, 6, LATENT, seed=seed)
        made = log["calls"][start:]
        calls.append({
            "seed": seed,
            "returned": _as_evidence(returned),
            "z": [c["z"] for c in made],
            "out": [c["out"] for c in made],
            "training": [c["training"] for c in made],
            "grad": [c["grad"] for c in made],
            "mode_after": model.training,
        })
    return {"latent_dim": LATENT, "n": 6, "shape": [SPY_CHANNELS, SPY_SIZE, SPY_SIZE], "calls": calls,
            "buffers_moved": float((_buffers(model) - buffers).abs().max())}


@probe("noise")
def noise(student):
    """The noise the spy generator receives for sample_images(n=400, seed=3)."""
    model, log = _spy_generator()
    student.sample_images(model, 400, LATENT, seed=3)
    return {"z": [c["z"] for c in log["calls"]], "latent_dim": LATENT}


@probe("sample_own")
def sample_own(student):
    """sample_images(Generator(latent_dim=16, channels=3, img_size=16), 4, 16, seed=0)."""
    model = student.Generator(latent_dim=16, channels=3, img_size=16)
    return _as_evidence(student.sample_images(model, 4, 16, seed=0))


# ---------------------------------------------------------------- pretend GPU


class HardcodedDeviceError(RuntimeError):
    """Raised by the pretend GPU when code moves a tensor or a model to CUDA."""


@contextlib.contextmanager
def _pretend_gpu():
    """torch.cuda.is_available() says True, but anything actually put on CUDA raises.

    The spy generator lives on the CPU, so code that takes the device from the
    generator's parameters never touches CUDA; code that picks "cuda" by itself does.
    """
    torch = _torch()

    def refuse(*args, **kwargs):
        raise HardcodedDeviceError(
            "a tensor or model was moved to CUDA although the generator was on the CPU (the grader "
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


@probe("sample_gpu")
def sample_gpu(student):
    """On a pretend GPU: the student's file imported again, then sample_images(spy generator on the CPU, 3, seed=1)."""
    with _pretend_gpu(), _fresh_import(student) as module:
        model, log = _spy_generator()
        returned = module.sample_images(model, 3, LATENT, seed=1)
    return {"returned": _as_evidence(returned), "calls": len(log["calls"])}


# ---------------------------------------------------------------- checkpoints


def _perturbed_generator(student, seed):
    """The student's Generator(16, 1, 8) with every float parameter and buffer moved off its initial value."""
    torch = _torch()
    model = student.Generator(latent_dim=16, channels=1, img_size=8)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.05)
        for b in model.buffers():
            if b.is_floating_point():
                b.add_(torch.rand(b.shape, generator=g) * 0.2)  # positive: keeps running_var valid
    return model


def _outputs(model, seed):
    torch = _torch()
    z = torch.randn(5, 16, generator=torch.Generator().manual_seed(seed))
    model.eval()
    with torch.no_grad():
        return model(z)


@contextlib.contextmanager
def _tagged_as_cuda():
    """torch.save writes every storage as if it lived on 'cuda:0' (a checkpoint from a GPU machine)."""
    import torch.serialization as serialization

    saved = serialization.location_tag
    serialization.location_tag = lambda storage: "cuda:0"
    try:
        yield
    finally:
        serialization.location_tag = saved


@probe("checkpoint", cases=[{"saved_on": "cpu"}, {"saved_on": "gpu"}])
def checkpoint(student, saved_on):
    """save_generator, then load_generator(path, latent_dim=16, channels=1, img_size=8); both on the same noise.

    saved_on "gpu": the checkpoint is written as a GPU machine would (every
    storage tagged 'cuda:0'); this machine has no GPU.
    """
    torch = _torch()
    model = _perturbed_generator(student, 71)
    path = os.path.join(tempfile.gettempdir(), f"generator_{saved_on}.pt")
    if saved_on == "gpu":
        with _tagged_as_cuda():
            student.save_generator(model, path)
    else:
        student.save_generator(model, path)
    loaded = student.load_generator(path, latent_dim=16, channels=1, img_size=8)
    info = {"is_module": isinstance(loaded, torch.nn.Module), "type": type(loaded).__name__}
    if not info["is_module"]:
        return info
    info["training_after_load"] = loaded.training
    info["original"] = _outputs(model, 72)
    info["loaded"] = _outputs(loaded, 72)
    info["fresh"] = _outputs(student.Generator(latent_dim=16, channels=1, img_size=8), 72)
    return info
