"""Helpers shared by the fixture generators."""
import os

import torch


# Every stored gradient must be measurable in float32 against its own scale (FixturePropertiesTests).
MIN_GRADIENT = 1e-4
# A gradient at most this large (computed in float64) is zero in exact arithmetic.
STRUCTURAL_ZERO = 1e-9


def check_gradients(name, out):
    """Renames structurally zero gradients to `zero_<key>` and refuses unmeasurable ones.

    A key starting with `grad` must have max |g| >= MIN_GRADIENT. The only exception is a bias whose gradient
    is exactly zero in theory (a bias feeding a normalisation layer, which subtracts it again, or the last
    bias of a discriminator under a gradient penalty): stored as `zero_<key>`, and the Swift tests check that
    Morph's gradient is zero too. Anything else under the bound is a fixture that cannot catch a wrong
    gradient: raise, so the generator's inputs or init get scaled instead.
    """
    for key in [k for k in out if k.startswith("grad")]:
        peak = float(out[key].abs().max()) if out[key].numel() else 0.0
        if peak >= MIN_GRADIENT:
            continue
        if peak <= STRUCTURAL_ZERO and key.endswith("bias"):
            out["zero_" + key] = out.pop(key)
        else:
            raise ValueError(f"{name}: {key} peaks at {peak:.3g} < {MIN_GRADIENT}: scale the input or the init")


def save(folder, name, tensors, **meta):
    """Saves float32 contiguous copies of `tensors` to <folder>/<name>.safetensors.

    Keyword arguments become string metadata (op arguments for the Swift test). Gradients go through
    `check_gradients` first (on the float64 values, before rounding to float32).
    """
    # Imported here, so that bench/pytorch_reference.py can use the model definitions with torch alone.
    from safetensors.torch import save_file

    out = {}
    for key, value in tensors.items():
        if value is None:
            continue
        out[key] = value.detach().contiguous().clone()
    check_gradients(name, out)
    out = {k: v.to(torch.float32).contiguous() for k, v in out.items()}
    save_file(out, os.path.join(folder, name + ".safetensors"),
              metadata={k: str(v) for k, v in meta.items()})


def seeded(seed):
    """A torch.Generator with a fixed seed."""
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def scale_weights(net, gain):
    """Multiplies every conv and linear weight of `net` by `gain` (the weight before spectral norm, if any)."""
    import torch.nn as nn
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                getattr(module, "weight_orig", module.weight).mul_(gain)
