"""Hidden check: no hard-coded device (the snippet's `models-not-on-device`, unverifiable without a GPU).

This CPU-only machine cannot show the snippet's failure (targets moved to
`device` while the models and images stay where they are). So the probe
imports the student's file again with a *pretend GPU*: torch.cuda.is_available()
says True, but anything actually placed on CUDA raises HardcodedDeviceError.
All inputs live on the CPU, so code that takes its device from its inputs
passes; code that picks "cuda" by itself is caught.
"""

import pytest

from grader.checking import fail, raised

CUDA_SYMPTOMS = (
    ("HardcodedDeviceError",),
    ("AssertionError", "Torch not compiled with CUDA enabled"),
    ("RuntimeError", "Expected all tensors to be on the same device"),
)


@pytest.mark.points(5)
@pytest.mark.bug("models-not-on-device")
@pytest.mark.bug("undefined-globals")
def test_no_hard_coded_device(observe):
    """On a machine where a GPU is available, train_step keeps everything on the device of its inputs (here the CPU)."""
    error = observe.error("device")
    if raised(error, "NameError", "'device'"):
        fail("Your code uses a variable `device` that it never defines (NameError). Do not move anything to "
             "a device: create every tensor on real.device (torch.ones_like(...), device=real.device).",
             bug="undefined-globals")
    if any(raised(error, *symptom) for symptom in CUDA_SYMPTOMS):
        fail("When torch.cuda.is_available() is True your code moves tensors (or models) to CUDA by itself, "
             "while the models and the real images it is given stay on the CPU: on a GPU machine that is a "
             "device mismatch. Create every tensor on real.device (torch.ones_like(...), device=real.device) "
             "and never choose a device inside these functions.", bug="models-not-on-device")
    got = observe("device")
    returned = got["returned"]
    assert returned["type"] == "dict" and returned["d_loss"] is not None, (
        "On a pretend GPU machine train_step should still return its losses (a dict with 'd_loss' and "
        f"'g_loss'), but it returned a {returned['type']}."
    )
