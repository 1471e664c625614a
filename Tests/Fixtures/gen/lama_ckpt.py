"""The checkpoint forms LaMa users have, for one small random-weight LaMa (group "lama_ckpt").

  lama_form_lightning.ckpt   a PyTorch Lightning checkpoint as the LaMa repository's
                             big-lama/models/best.ckpt is laid out: `state_dict` with generator.*,
                             discriminator.* and loss-network keys, `hyper_parameters` holding
                             configuration objects (stand-ins for omegaconf's DictConfig and
                             ContainerMetadata, typing.Any, builtins.dict) and a callbacks dict keyed
                             by a Lightning class: data the reader must pass over, never construct
  lama_form_plain.pth        the generator's own state dict (model.* keys)
  lama_form_torchscript.pt   torch.jit.trace of the (image, mask) -> composite wrapper, as
                             IOPaint's big-lama.pt
  lama_form_unmappable.pt    a scripted module with no tensors: refused, naming the form
  lama_form_expected         image, mask (a 40×56 crop of photos/chelsea_crop.png at row 60, column 40,
                             two holes), `out`: the wrapper's
                             composited output; metadata `options`: the registry options
"""
import json
import os
import sys
import types
import typing

import numpy as np
import torch
import torch.nn as nn

from ._common import save, seeded
from .lama_net import FFCResNetGenerator, InpaintingWrapper, randomize

OPTIONS = dict(ngf=8, n_downsampling=2, n_blocks=2, ratio=0.75, enable_lfu=False)


def _stand_in(module, name, base=object):
    """A class pickled as `module.name` without importing the real package."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
    mod = sys.modules[module]
    cls = type(name, (base,), {"__module__": module})
    setattr(mod, name, cls)
    return cls


def _config():
    dict_config = _stand_in("omegaconf.dictconfig", "DictConfig")
    metadata = _stand_in("omegaconf.base", "ContainerMetadata")

    def node(content):
        cfg = dict_config()
        meta = metadata()
        meta.__dict__.update(ref_type=typing.Any, object_type=dict, optional=True, key=None, flags={})
        cfg.__dict__.update(_metadata=meta, _parent=None, _content=content)
        return cfg

    generator = node({"kind": "ffc_resnet", "input_nc": 4, "output_nc": 3, "ngf": OPTIONS["ngf"],
                      "n_downsampling": OPTIONS["n_downsampling"], "n_blocks": OPTIONS["n_blocks"],
                      "add_out_act": "sigmoid",
                      "resnet_conv_kwargs": node({"ratio_gin": 0.75, "ratio_gout": 0.75, "enable_lfu": False})})
    return node({"generator": generator, "losses": node({"l1": node({"weight_known": 10})})})


def _read_png_rgb8(path):
    """Decodes an 8-bit RGB non-interlaced PNG with zlib alone (no imaging library needed)."""
    import struct
    import zlib
    data = open(path, "rb").read()
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour == 2 and interlace == 0, "needs 8-bit RGB, not interlaced"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride, bpp = width * 3, 3
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, 3)


def _photo(h, w):
    """A small test photo: a crop of the committed sample photo, in [0, 1]."""
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "photos")
    arr = _read_png_rgb8(os.path.join(folder, "chelsea_crop.png"))[60:60 + h, 40:40 + w]
    return torch.from_numpy(arr.copy()).permute(2, 0, 1)[None].float() / 255


class NoWeights(nn.Module):
    """A TorchScript module with attributes but no tensors."""

    def __init__(self):
        super().__init__()
        self.sizes: typing.List[int] = [1, 2, 3]

    def forward(self, x):
        return x * len(self.sizes)


def generate(folder):
    torch.jit.script(NoWeights()).save(os.path.join(folder, "lama_form_unmappable.pt"))
    g = seeded(1700)
    torch.manual_seed(1700)
    net = FFCResNetGenerator(**OPTIONS).eval()
    randomize(net, g)

    disc = nn.Sequential(nn.Conv2d(3, 4, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(4, 1, 4, 1, 1))
    state = {"generator." + k: v for k, v in net.state_dict().items()}
    state.update({"discriminator.model0." + k: v for k, v in disc.state_dict().items()})
    state["loss_resnet_pl.impl.conv1.weight"] = torch.randn(4, 3, 3, 3, generator=g)
    model_checkpoint = _stand_in("pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint")
    ckpt = {"epoch": 3, "global_step": 1200, "pytorch-lightning_version": "1.2.9",
            "state_dict": state,
            "callbacks": {model_checkpoint: {"monitor": "val_ssim_fid100_f1_total_mean",
                                             "best_model_score": torch.tensor(0.91), "best_model_path": "x.ckpt"}},
            "optimizer_states": [{"state": {}, "param_groups": [{"lr": 0.001, "params": [0, 1]}]}],
            "lr_schedulers": [],
            "hyper_parameters": {"config": _config(), "use_ddp": True}}
    torch.save(ckpt, os.path.join(folder, "lama_form_lightning.ckpt"))
    torch.save(net.state_dict(), os.path.join(folder, "lama_form_plain.pth"))

    h, w = 40, 56
    image = _photo(h, w)
    mask = torch.zeros(1, 1, h, w)
    mask[:, :, 10:24, 14:30] = 1
    mask[:, :, 30:36, 40:52] = 1
    wrapper = InpaintingWrapper(net).eval()
    with torch.no_grad():
        traced = torch.jit.trace(wrapper, (image, mask), check_trace=False)
        traced.save(os.path.join(folder, "lama_form_torchscript.pt"))
        out = wrapper(image, mask)
    registry = {k: str(v).lower() for k, v in OPTIONS.items()}
    save(folder, "lama_form_expected", {"image": image, "mask": mask, "out": out}, options=json.dumps(registry))
