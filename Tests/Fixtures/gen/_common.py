"""Helpers shared by the fixture generators."""
import os

import torch


def save(folder, name, tensors, **meta):
    """Saves float32 contiguous copies of `tensors` to <folder>/<name>.safetensors.

    Keyword arguments become string metadata (op arguments for the Swift test).
    """
    # Imported here, so that bench/pytorch_reference.py can use the model definitions with torch alone.
    from safetensors.torch import save_file

    out = {}
    for key, value in tensors.items():
        if value is None:
            continue
        out[key] = value.detach().to(torch.float32).contiguous().clone()
    save_file(out, os.path.join(folder, name + ".safetensors"),
              metadata={k: str(v) for k, v in meta.items()})


def seeded(seed):
    """A torch.Generator with a fixed seed."""
    g = torch.Generator()
    g.manual_seed(seed)
    return g
