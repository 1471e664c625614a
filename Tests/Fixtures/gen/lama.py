"""Parity fixtures for LaMa's FFCResNetGenerator (group "lama").

Small configurations of the generator restated in gen/lama_net.py, random
weights and BatchNorm statistics, run in eval mode:
  lama_gen_<case>    sd.<key> (state dict), x, out, r, grad_x of (out * r).sum();
                     metadata `options` (JSON, registry `lama` options)
  lama_block_ratio0  one FFCResnetBlock with ratio 0 (the reference's generator cannot
                     run ratio 0 end to end: its ConcatTupleLayer meets a 0-d tensor)
  lama_keys          metadata `keys`: JSON [key, shape] of the full Big-LaMa state dict
The checkpoint forms of one small model (Lightning .ckpt, plain state dict,
TorchScript) are written by gen/lama_ckpt.py.
"""
import json

import torch

from ._common import save, seeded
from .lama_net import FFCResNetGenerator, FFCResnetBlock, randomize

CASES = {
    # name: (options, input shape)
    "even": (dict(ngf=8, n_downsampling=2, n_blocks=2, ratio=0.75, enable_lfu=False), (1, 4, 16, 24)),
    "odd": (dict(ngf=8, n_downsampling=2, n_blocks=2, ratio=0.75, enable_lfu=False), (2, 4, 12, 20)),
    "lfu": (dict(ngf=8, n_downsampling=2, n_blocks=1, ratio=0.75, enable_lfu=True), (1, 4, 16, 16)),
    "three_downs": (dict(ngf=4, n_downsampling=3, n_blocks=1, ratio=0.75, enable_lfu=False), (1, 4, 24, 40)),
    "ratio_half_tanh": (dict(ngf=8, n_downsampling=1, n_blocks=1, ratio=0.5, enable_lfu=True, out_act="tanh"),
                        (1, 4, 12, 12)),
}


def _run(folder, name, net, x, g, meta):
    net.eval()
    randomize(net, g)
    sd = {"sd." + k: v.clone() for k, v in net.state_dict().items()}
    # References in float64 from the float32 weights and input, as the other model fixtures.
    net.double()
    x = x.to(torch.float32).double().requires_grad_()
    out = net(x)
    if isinstance(out, tuple):
        out = out[0]
    r = torch.randn(*out.shape, generator=g, dtype=torch.float64)
    (out * r).sum().backward()
    save(folder, name, {**sd, "x": x, "out": out, "r": r, "grad_x": x.grad}, **meta)


def generate(folder):
    for i, (case, (options, shape)) in enumerate(CASES.items()):
        g = seeded(1500 + i)
        torch.manual_seed(1500 + i)
        net = FFCResNetGenerator(**options)
        x = torch.rand(*shape, generator=g)
        registry = {k: str(v).lower() for k, v in options.items()}
        if "out_act" in registry:
            registry["add_out_act"] = registry.pop("out_act")
        _run(folder, f"lama_gen_{case}", net, x, g, {"options": json.dumps(registry)})

    g = seeded(1590)
    block = FFCResnetBlock(8, 0, False)
    _run(folder, "lama_block_ratio0", block, torch.randn(1, 8, 5, 7, generator=g), g, {"dim": 8})

    big = FFCResNetGenerator()
    keys = [[k, list(v.shape)] for k, v in big.state_dict().items()]
    save(folder, "lama_keys", {"count": torch.tensor([float(len(keys))])}, keys=json.dumps(keys),
         parameters=sum(p.numel() for p in big.parameters()))
