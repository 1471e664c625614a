"""Fixtures for the inference CLI (MorphInference): real torch.save checkpoints of small generators and the
PNGs PyTorch produces from small input PNGs with exactly Morph's pre- and post-processing.

Files are named cli_*:
  cli_<model>.pth          zip format (torch.save default)
  cli_<model>_legacy.pth   legacy format (_use_new_zipfile_serialization=False)
  cli_in_rgb.png (24x20), cli_in_odd.png (23x19): inputs; odd sides exercise pad-and-crop
  cli_out_<model>_<input>[_<mode>].png: what the PyTorch model writes

Variants: rrdb_x4.pth is wrapped as {'params_ema': sd}; srvgg_x4.pth is stored in float16 (the expected
output uses the float16 weights); resnet_in_legacy.pth has 'module.' prefixes (nn.DataParallel).

Processing (as `morph translate` / `morph upscale`):
  translate: x = v/255*2-1; reflect-pad bottom/right to the size multiple; y = model(x); crop;
             round((y+1)/2*255) clipped to 0..255
  upscale:   x = v/255; reflect-pad; y = model(x); crop to scale*size; round(clip(y,0,1)*255)
The models run in float64 so the expected values do not depend on a float32 summation order.
"""
import copy
import os

import numpy as np
import torch
from PIL import Image

from gen.models import MSRResNet, RRDBNet, ResnetGenerator, SRVGGNetCompact, UnetGenerator, perturb


def _inputs():
    """Two smooth-plus-noise RGB images (deterministic)."""
    rng = np.random.default_rng(7)
    out = {}
    for name, (h, w) in [("rgb", (20, 24)), ("odd", (19, 23))]:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
        base = np.stack([128 + 100 * np.sin(xx / 4 + c) * np.cos(yy / 5 - c) for c in range(3)], axis=-1)
        img = np.clip(base + rng.normal(0, 12, size=base.shape), 0, 255).round().astype(np.uint8)
        out[name] = img
    return out


def _run(model, img, multiple, scale, translate):
    v = img.astype(np.float64) / 255.0
    x = v * 2 - 1 if translate else v
    h, w = x.shape[:2]
    ph, pw = (-h) % multiple, (-w) % multiple
    x = np.pad(x, ((0, ph), (0, pw), (0, 0)), mode="reflect")
    t = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)[None]))
    with torch.no_grad():
        y = model(t)[0].numpy().transpose(1, 2, 0)[: h * scale, : w * scale]
    y = (y + 1) / 2 * 255 if translate else np.clip(y, 0, 1) * 255
    return np.clip(np.round(y), 0, 255).astype(np.uint8)


def _save_png(folder, name, img):
    Image.fromarray(img, "RGB").save(os.path.join(folder, name + ".png"))


def _checkpoint(folder, name, sd, legacy_sd=None):
    torch.save(sd, os.path.join(folder, name + ".pth"))
    torch.save(legacy_sd if legacy_sd is not None else sd, os.path.join(folder, name + "_legacy.pth"),
               _use_new_zipfile_serialization=False)


def generate(folder):
    images = _inputs()
    for name, img in images.items():
        _save_png(folder, "cli_in_" + name, img)

    # (name, constructor, size multiple, scale, translate, modes, inputs)
    cases = [
        ("resnet_in", lambda: ResnetGenerator(3, 3, ngf=4, norm="instance", n_blocks=2), 4, 1, True,
         ["eval"], ["odd", "rgb"]),
        ("unet_bn", lambda: UnetGenerator(3, 3, 5, ngf=2, norm="batch", use_dropout=False), 32, 1, True,
         ["train", "eval"], ["odd"]),
        ("rrdb_x4", lambda: RRDBNet(3, 3, scale=4, num_feat=8, num_block=1, num_grow_ch=4), 1, 4, False,
         ["eval"], ["rgb"]),
        ("rrdb_x2", lambda: RRDBNet(3, 3, scale=2, num_feat=8, num_block=1, num_grow_ch=4), 2, 2, False,
         ["eval"], ["odd"]),
        ("srvgg_x4", lambda: SRVGGNetCompact(3, 3, num_feat=8, num_conv=4, upscale=4, act_type="prelu"), 1, 4,
         False, ["eval"], ["odd"]),
        ("srresnet_x4", lambda: MSRResNet(3, 3, num_feat=8, num_block=2, upscale=4), 1, 4, False,
         ["eval"], ["rgb"]),
    ]
    for i, (name, make, multiple, scale, translate, modes, inputs) in enumerate(cases):
        torch.manual_seed(300 + i)
        model = make()
        perturb(model, torch.Generator().manual_seed(400 + i))
        if name.startswith("rrdb"):
            with torch.no_grad():
                model.conv_last.bias.add_(0.45)  # centre the output so fewer pixels clip at 0
        sd = {k: v.clone() for k, v in model.state_dict().items()}
        if name == "srvgg_x4":
            half = {k: v.half() for k, v in sd.items()}
            model.load_state_dict({k: v.float() for k, v in half.items()})
            torch.save(half, os.path.join(folder, "cli_srvgg_x4.pth"))
            torch.save(sd, os.path.join(folder, "cli_srvgg_x4_legacy.pth"), _use_new_zipfile_serialization=False)
            # The legacy file holds the float32 weights; the expected PNGs use the float16 ones (within 1/255).
        elif name == "rrdb_x4":
            _checkpoint(folder, "cli_" + name, {"params_ema": sd}, legacy_sd=sd)
        elif name == "resnet_in":
            _checkpoint(folder, "cli_" + name, sd, legacy_sd={"module." + k: v for k, v in sd.items()})
        else:
            _checkpoint(folder, "cli_" + name, sd)
        for mode in modes:
            for inp in inputs:
                # A fresh float64 copy per run: train-mode BatchNorm updates the running statistics.
                run = copy.deepcopy(model).double()
                run.train(mode == "train")
                out = _run(run, images[inp], multiple, scale, translate)
                suffix = "_" + mode if len(modes) > 1 else ""
                _save_png(folder, "cli_out_%s_%s%s" % (name, inp, suffix), out)
