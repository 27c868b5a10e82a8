"""Hidden checks: the file imports without packages that do not exist here, and the Generator's other sizes.

Import-level bugs are told apart by what was raised: ModuleNotFoundError of
'gan_model' (the snippet's invented package) or of 'torchvision' (its unused
preprocessing), never by the failure alone.
"""

import importlib.util
from pathlib import Path

import pytest

from grader.checking import fail, raised

_PUBLIC = Path(__file__).resolve().parent.parent / "public" / "test_public.py"
_spec = importlib.util.spec_from_file_location("gan_image_sampling_public_helpers", _PUBLIC)
public = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(public)


def invented_package(error):
    """The snippet's `from gan_model import GANModel`, recognised by what it raises."""
    return raised(error, "ModuleNotFoundError", "'gan_model'") or raised(error, "NameError", "'GANModel'")


@pytest.mark.points(10)
@pytest.mark.bug("nonexistent-module")
@pytest.mark.bug("unused-preprocessing")
def test_file_imports_without_missing_packages(observe):
    """The file imports without gan_model, torchvision or matplotlib, and Generator() builds a module."""
    error = observe.error("import")
    if invented_package(error):
        fail("Your file imports GANModel from a package 'gan_model' that does not exist (ModuleNotFoundError): "
             "there is no such library. Define the generator yourself as an nn.Module (class Generator).",
             bug="nonexistent-module")
    if raised(error, "ModuleNotFoundError", "torchvision"):
        fail("Your file imports torchvision for a preprocessing pipeline (transforms, ImageFolder, DataLoader) "
             "that sampling never uses, and torchvision is not installed here: drop the unused "
             "preprocessing and its imports.", bug="unused-preprocessing")
    if raised(error, "ModuleNotFoundError", "matplotlib"):
        fail("Your file imports matplotlib, which is not installed here; showing images is not part of the "
             "task: return arrays (to_uint8_images) and plot nothing.")
    modules = observe("import")["modules"]
    if "torchvision" in modules:
        fail("Importing your file pulled in torchvision, for a preprocessing pipeline that sampling never "
             "uses: drop the unused preprocessing and its imports.", bug="unused-preprocessing")
    if "matplotlib" in modules:
        fail("Importing your file pulled in matplotlib; showing images is not part of the task: return "
             "arrays (to_uint8_images) and plot nothing.")
    built = observe("generator", latent_dim=None, channels=None, img_size=None)
    assert built["is_module"], f"Generator() should build a torch.nn.Module, but it built a {built['type']}."


@pytest.mark.points(5)
def test_generator_other_sizes(observe):
    """Generator(latent_dim, channels, img_size) follows its arguments, e.g. 1-channel 8x8 images."""
    for latent_dim, channels, img_size in ((16, 1, 8), (32, 3, 16)):
        got = observe("generator", latent_dim=latent_dim, channels=channels, img_size=img_size)
        public.expect_images(got, (4, channels, img_size, img_size),
                             f"Generator(latent_dim={latent_dim}, channels={channels}, img_size={img_size})")
