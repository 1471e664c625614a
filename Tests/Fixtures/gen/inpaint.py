"""Parity fixtures for Morph's inpainting networks (files `models_<case>`, same layout as gen/models.py).

GatedInpaintGenerator and SNPatchDiscriminator are Morph's own DeepFill-v2-style architectures (Yu et al.,
"Free-Form Image Inpainting with Gated Convolution", ICCV 2019), restated here in PyTorch with the module names
MorphModels uses, so the Swift models load these state dicts unchanged. The generator refines a pull-push fill
(`pull_push_fill`, MorphModels' PullPushFill, written here in numpy float64: it is not a PyTorch op, so the
fixture `inpaint_prefill` checks Morph against this independent restatement, not against PyTorch).
FFCInpaintGenerator (`ffc_inpaint`) is Morph's small LaMa (gen/lama_net.py's FFCResNetGenerator with a tanh output)
adding its correction to the same pull-push input.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

from gen._common import save
from gen.lama_net import FFCResNetGenerator
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
            nn.Conv2d(c // 2, 3, 3, 1, 1))

    def forward(self, x):
        # The input's first three channels are the pull-push fill; the network adds its correction.
        return x[:, :3] + self.body(x)


class FFCInpaintGenerator(FFCResNetGenerator):
    """Morph's ffc_inpaint: LaMa's generator (4 -> 3 channels, tanh output) adding its correction to the input's
    pull-push fill. (Morph starts the last convolution at zero; the fixtures use random weights instead.)"""

    def __init__(self, ngf=16, n_downsampling=2, n_blocks=6, ratio=0.75, enable_lfu=False):
        super().__init__(4, 3, ngf, n_downsampling, n_blocks, ratio, enable_lfu, out_act="tanh")

    def forward(self, x):
        return x[:, :3] + self.model(x)


def _upsample(f, h, w):
    """Bilinear x2 with half-pixel centres, clamped at the edges, to size h x w."""
    big_h, big_w = f.shape[:2]
    ys = np.clip((np.arange(h) + 0.5) / 2 - 0.5, 0, big_h - 1)
    xs = np.clip((np.arange(w) + 0.5) / 2 - 0.5, 0, big_w - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, big_h - 1), np.minimum(x0 + 1, big_w - 1)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = f[y0][:, x0] * (1 - fx) + f[y0][:, x1] * fx
    bottom = f[y1][:, x0] * (1 - fx) + f[y1][:, x1] * fx
    return top * (1 - fy) + bottom * fy


def _pool_sum(a, h, w):
    """Sums and counts of the (up to four) existing children of each pixel of an h x w coarser level."""
    total, count = np.zeros((h, w)), np.zeros((h, w))
    for dy in (0, 1):
        for dx in (0, 1):
            sub = a[dy::2, dx::2]
            total[:sub.shape[0], :sub.shape[1]] += sub
            count[:sub.shape[0], :sub.shape[1]] += 1
    return total, count


def pull_push_fill(image, mask):
    """Pull-push fill (Gortler et al. 1996) of image [N, C, H, W] where mask [N, 1, H, W] > 0.5, in float64.

    Pull: while some weight is 0 and the level is bigger than 1x1, halve (ceil) with W = mean of the children's
    weights and C = sum(C W) / sum(W). Push: F = W C + (1 - W) up(F_coarser), from the coarsest level down.
    """
    image = image.detach().double().numpy()
    mask = mask.detach().double().numpy()
    out = np.zeros_like(image)
    for b in range(image.shape[0]):
        weights = [(mask[b, 0] <= 0.5).astype(np.float64)]
        while weights[-1].min() <= 0 and max(weights[-1].shape) > 1:
            h, w = (weights[-1].shape[0] + 1) // 2, (weights[-1].shape[1] + 1) // 2
            total, count = _pool_sum(weights[-1], h, w)
            weights.append(total / count)
        for c in range(image.shape[1]):
            colours = [np.where(weights[0] > 0, image[b, c], 0.0)]
            for k in range(1, len(weights)):
                h, w = weights[k].shape
                total, count = _pool_sum(colours[-1] * weights[k - 1], h, w)
                support = weights[k] * count
                colours.append(np.where(support > 0, total / np.maximum(support, 1e-300), 0.0))
            filled = colours[-1]
            for k in range(len(weights) - 2, -1, -1):
                filled = weights[k] * colours[k] + (1 - weights[k]) * _upsample(filled, *weights[k].shape)
            out[b, c] = filled
    return torch.from_numpy(out)


def make_input(image, mask):
    """The generator input: concat(pull-push fill of the known pixels, mask)."""
    return torch.cat([pull_push_fill(image, mask).to(image.dtype), mask], dim=1)


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


def prefill_case(folder):
    """`inpaint_prefill`: random images (odd sizes, 3 channels and 1) with a box, scattered pixels, no hole and an
    all-hole mask, and their pull-push fills."""
    gen = torch.Generator().manual_seed(3100)
    tensors = {}
    for name, (n, c, h, w) in [("rgb", (4, 3, 13, 22)), ("gray", (1, 1, 9, 7))]:
        image = torch.rand(n, c, h, w, generator=gen) * 2 - 1
        mask = torch.zeros(n, 1, h, w)
        mask[0, :, 2:9, 3:17] = 1
        if n > 1:
            mask[1] = (torch.rand(1, h, w, generator=gen) > 0.6).float()
            mask[3] = 1
        tensors[name + ".image"], tensors[name + ".mask"] = image, mask
        tensors[name + ".filled"] = pull_push_fill(image, mask)
    save(folder, "inpaint_prefill", tensors)


def generate(folder):
    prefill_case(folder)
    cases = [
        # Gain 3 on the weights: at 1 the signal fades through the 18 gated layers (each gate halves it) and the
        # first layers' gradients and the mask channel's input gradient are ~1e-9, too small to check.
        ("gated_inpaint", lambda: GatedInpaintGenerator(cnum=4), (1, 16, 20), "gated_inpaint",
         dict(cnum="4"), ["eval"], 3.0),
        ("gated_inpaint_batch2", lambda: GatedInpaintGenerator(cnum=2), (2, 12, 8), "gated_inpaint",
         dict(cnum="2"), ["eval"], 3.0),
        ("sn_patch", lambda: SNPatchDiscriminator(4, num_feat=2, num_layers=3), (1, 32, 24), "sn_patch",
         dict(num_feat="2", num_layers="3"), ["train", "eval"], 1.0),
        ("ffc_inpaint", lambda: FFCInpaintGenerator(ngf=4, n_downsampling=2, n_blocks=2), (2, 16, 20), "ffc_inpaint",
         dict(ngf="4", n_downsampling="2", n_blocks="2"), ["train", "eval"], 1.0),
    ]
    for i, (case, make, (n, h, w), arch, options, modes, gain) in enumerate(cases):
        torch.manual_seed(300 + i)
        model = make()
        gen = torch.Generator().manual_seed(3000 + i)
        write_case(folder, case, model, _masked_input(gen, n, h, w), arch, options, modes, seed=4000 + i,
                   gain=gain)
