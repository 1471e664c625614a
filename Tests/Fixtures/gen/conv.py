"""Parity fixtures for conv2d and conv_transpose2d: outputs and all gradients."""
import torch
import torch.nn.functional as F

from gen._common import save, seeded

# (name, N, Cin, Cout, H, W, k, stride, padding, dilation, bias)
CONV_CASES = [
    ("k3_odd", 1, 3, 4, 7, 9, 3, 1, 1, 1, True),
    ("k3_s2_batch2", 2, 4, 5, 9, 8, 3, 2, 1, 1, True),
    ("k1_pointwise", 2, 6, 3, 5, 7, 1, 1, 0, 1, True),
    ("k4_s2_nobias", 1, 3, 6, 10, 11, 4, 2, 1, 1, False),
    ("k7_pad3", 1, 3, 2, 9, 8, 7, 1, 3, 1, True),
    ("k3_dilation2", 1, 2, 3, 11, 10, 3, 1, 2, 2, True),
    ("k1_s2", 1, 4, 3, 7, 7, 1, 2, 0, 1, False),
]

# (name, N, Cin, Cout, H, W, k, stride, padding, output_padding, dilation, bias)
CONVT_CASES = [
    ("k3_s2_op1", 1, 4, 3, 5, 6, 3, 2, 1, 1, 1, True),
    ("k4_s2_batch2", 2, 3, 2, 4, 5, 4, 2, 1, 0, 1, False),
    ("k3_s1", 1, 3, 4, 6, 7, 3, 1, 1, 0, 1, True),
    ("k3_dilation2", 1, 2, 3, 5, 5, 3, 1, 0, 0, 2, True),
    ("k1_s1", 2, 5, 3, 4, 3, 1, 1, 0, 0, 1, True),
]


# 3×3 stride-1 cases with ≥ 8 channels on both sides: Morph runs these through Winograd F(2×2, 3×3)
# (forward, input gradient, and convTranspose2d with stride 1). Drawn from their own generator so the
# cases above keep their values.
WINOGRAD_CONV_CASES = [
    ("k3_wino_c8", 1, 8, 8, 6, 6, 3, 1, 1, 1, True),
    ("k3_wino_odd_nobias", 1, 16, 12, 7, 9, 3, 1, 1, 1, False),
    ("k3_wino_pad0_batch2", 2, 12, 16, 9, 8, 3, 1, 0, 1, True),
    ("k3_wino_pad2", 1, 8, 10, 5, 7, 3, 1, 2, 1, True),
    ("k3_wino_batch2_nobias", 2, 24, 8, 11, 13, 3, 1, 1, 1, False),
    ("k3_wino_c32_48", 1, 32, 48, 19, 23, 3, 1, 1, 1, True),
]
WINOGRAD_CONVT_CASES = [
    ("k3_s1_wino", 2, 16, 12, 7, 9, 3, 1, 1, 0, 1, True),
    ("k3_s1_wino_pad0", 1, 8, 24, 6, 5, 3, 1, 0, 0, 1, False),
]

# Stride-1 cases with few output channels (conv) or few input channels (convTranspose2d): Morph runs these
# as the other direction of the swapped conv.
SWAP_CONV_CASES = [
    ("k7_swap_c16_to3", 1, 16, 3, 12, 11, 7, 1, 0, 1, True),
    ("k3_swap_c12_to2_batch2", 2, 12, 2, 9, 7, 3, 1, 1, 1, False),
    ("k5_swap_c8_to3_dilation2", 1, 8, 3, 13, 12, 5, 1, 3, 2, True),
    ("k4_swap_c6_to1_pad1", 1, 6, 1, 8, 9, 4, 1, 1, 1, True),
]
SWAP_CONVT_CASES = [
    ("k3_s1_swap_c3_to16", 1, 3, 16, 6, 7, 3, 1, 1, 0, 1, True),
    ("k7_s1_swap_c2_to8_batch2", 2, 2, 8, 5, 6, 7, 1, 3, 0, 1, False),
]


# 4×4 stride-2 cases with ≥ 8 phase channels (4 · Cin) and ≥ 8 output channels: Morph runs these through
# Winograd F(2×2, 2×2) over the kernel's four phases (forward and input gradient, convTranspose2d and its input
# gradient). Odd sizes, paddings 0–2, output padding 1 and batch 2.
STRIDE2_CONV_CASES = [
    ("k4_s2_wino_odd", 1, 8, 12, 11, 9, 4, 2, 1, 1, True),
    ("k4_s2_wino_batch2_pad0", 2, 4, 16, 10, 13, 4, 2, 0, 1, False),
    ("k4_s2_wino_pad2", 1, 6, 8, 9, 12, 4, 2, 2, 1, True),
    ("k4_s2_wino_c32_24", 1, 32, 24, 18, 22, 4, 2, 1, 1, True),
]
STRIDE2_CONVT_CASES = [
    ("k4_s2_wino", 2, 12, 8, 5, 7, 4, 2, 1, 0, 1, True),
    ("k4_s2_wino_op1", 1, 16, 6, 6, 5, 4, 2, 1, 1, 1, False),
    ("k4_s2_wino_pad0", 1, 8, 8, 4, 6, 4, 2, 0, 0, 1, True),
    ("k4_s2_wino_pad2_op1", 1, 8, 4, 7, 6, 4, 2, 2, 1, 1, True),
]


def generate(folder):
    write_cases(folder, seeded(100), CONV_CASES, CONVT_CASES)
    write_cases(folder, seeded(101), WINOGRAD_CONV_CASES, WINOGRAD_CONVT_CASES, exact=True)
    write_cases(folder, seeded(102), SWAP_CONV_CASES, SWAP_CONVT_CASES)
    write_cases(folder, seeded(103), STRIDE2_CONV_CASES, STRIDE2_CONVT_CASES, exact=True)


def exact_conv_gradients(x, weight, bias, r, **args):
    """The same conv in float64: `exact_out`, `exact_grad_x`, `exact_grad_weight` (PyTorch's float32 results stay
    under their usual keys, so a test can measure its own rounding against PyTorch's)."""
    x64 = x.detach().double().requires_grad_()
    w64 = weight.detach().double().requires_grad_()
    b64 = bias.detach().double() if bias is not None else None
    out = F.conv2d(x64, w64, b64, **args)
    (out * r.double()).sum().backward()
    return {"exact_out": out, "exact_grad_x": x64.grad, "exact_grad_weight": w64.grad}


def write_cases(folder, g, conv_cases, convt_cases, exact=False):
    for name, n, cin, cout, h, w, k, s, p, d, has_bias in conv_cases:
        x = torch.randn(n, cin, h, w, generator=g, requires_grad=True)
        weight = torch.randn(cout, cin, k, k, generator=g).mul_(0.3).requires_grad_()
        bias = torch.randn(cout, generator=g).requires_grad_() if has_bias else None
        out = F.conv2d(x, weight, bias, stride=s, padding=p, dilation=d)
        r = torch.randn(out.shape, generator=g)
        (out * r).sum().backward()
        tensors = {"x": x, "weight": weight, "bias": bias, "out": out, "r": r, "grad_x": x.grad, "grad_weight": weight.grad,
                   "grad_bias": bias.grad if bias is not None else None}
        if exact:
            tensors.update(exact_conv_gradients(x, weight, bias, r, stride=s, padding=p, dilation=d))
        save(folder, "conv_" + name, tensors, stride=s, padding=p, dilation=d)
    for name, n, cin, cout, h, w, k, s, p, op, d, has_bias in convt_cases:
        x = torch.randn(n, cin, h, w, generator=g, requires_grad=True)
        weight = torch.randn(cin, cout, k, k, generator=g).mul_(0.3).requires_grad_()
        bias = torch.randn(cout, generator=g).requires_grad_() if has_bias else None
        out = F.conv_transpose2d(x, weight, bias, stride=s, padding=p, output_padding=op, dilation=d)
        r = torch.randn(out.shape, generator=g)
        (out * r).sum().backward()
        save(folder, "convT_" + name,
             {"x": x, "weight": weight, "bias": bias, "out": out, "r": r, "grad_x": x.grad, "grad_weight": weight.grad,
              "grad_bias": bias.grad if bias is not None else None},
             stride=s, padding=p, output_padding=op, dilation=d)
