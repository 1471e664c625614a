"""Parity fixtures for Morph's inpainting networks (files `models_<case>`, same layout as gen/models.py).

GatedInpaintGenerator and SNPatchDiscriminator are Morph's own DeepFill-v2-style architectures (Yu et al.,
"Free-Form Image Inpainting with Gated Convolution", ICCV 2019), restated here in PyTorch with the module names
MorphModels uses, so the Swift models load these state dicts unchanged.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

from gen.models import write_case


class GatedConv2d(nn.Module):
    def __init__(self, cin, cout, k=3, stride=1, dilation=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, 2 * cout, k, stride, dilation * (k - 1) // 2, dilation=dilation)

    def forward(self, x):
        features, gates = torch.chunk(self.conv(x), 2, dim=1)
        return F.leaky_relu(features, 0.2) * torch.sigmoid(gates)


class GatedInpaintGenerator(nn.Module):
    def __init__(self, cnum=32):
        super().__init__()
        c = cnum
        self.body = nn.Sequential(
            GatedConv2d(4, c, 5), GatedConv2d(c, 2 * c, stride=2), GatedConv2d(2 * c, 2 * c),
            GatedConv2d(2 * c, 4 * c, stride=2), GatedConv2d(4 * c, 4 * c), GatedConv2d(4 * c, 4 * c),
            GatedConv2d(4 * c, 4 * c, dilation=2), GatedConv2d(4 * c, 4 * c, dilation=4),
            GatedConv2d(4 * c, 4 * c, dilation=8), GatedConv2d(4 * c, 4 * c, dilation=16),
            GatedConv2d(4 * c, 4 * c), GatedConv2d(4 * c, 4 * c),
            nn.Upsample(scale_factor=2), GatedConv2d(4 * c, 2 * c), GatedConv2d(2 * c, 2 * c),
            nn.Upsample(scale_factor=2), GatedConv2d(2 * c, c), GatedConv2d(c, c // 2),
            nn.Conv2d(c // 2, 3, 3, 1, 1), nn.Tanh())

    def forward(self, x):
        return self.body(x)


class SNPatchDiscriminator(nn.Module):
    def __init__(self, num_in_ch=4, num_feat=64, num_layers=6):
        super().__init__()
        layers, cin = [], num_in_ch
        for k in range(num_layers):
            cout = num_feat * min(2 ** k, 4)
            layers += [spectral_norm(nn.Conv2d(cin, cout, 5, 2, 2)), nn.LeakyReLU(0.2)]
            cin = cout
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


def _masked_input(gen, n, h, w):
    image = torch.rand(n, 3, h, w, generator=gen) * 2 - 1
    mask = torch.zeros(n, 1, h, w)
    mask[:, :, h // 4: h // 4 + h // 3, w // 5: w // 5 + w // 2] = 1
    return torch.cat([image * (1 - mask), mask], dim=1)


def generate(folder):
    cases = [
        ("gated_inpaint", lambda: GatedInpaintGenerator(cnum=4), (1, 16, 20), "gated_inpaint",
         dict(cnum="4"), ["eval"]),
        ("gated_inpaint_batch2", lambda: GatedInpaintGenerator(cnum=2), (2, 12, 8), "gated_inpaint",
         dict(cnum="2"), ["eval"]),
        ("sn_patch", lambda: SNPatchDiscriminator(4, num_feat=2, num_layers=3), (1, 32, 24), "sn_patch",
         dict(num_feat="2", num_layers="3"), ["train", "eval"]),
    ]
    for i, (case, make, (n, h, w), arch, options, modes) in enumerate(cases):
        torch.manual_seed(300 + i)
        model = make()
        gen = torch.Generator().manual_seed(3000 + i)
        write_case(folder, case, model, _masked_input(gen, n, h, w), arch, options, modes, seed=4000 + i)
