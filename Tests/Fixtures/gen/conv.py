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

# 3×3 stride-1 cases for Winograd F(4×4, 3×3), which Morph's 3×3 convs run by default: sizes that are not
# multiples of 4, batch 2, paddings 0–2, and channel counts up to 256 (block boundaries are crossed by the Swift
# tests' caps). Besides PyTorch's float32 results and the float64 `exact_*`, each stores `nnpack_out` and
# `nnpack_grad_x`: the same correlations through PyTorch's own Winograd path (NNPACK, F(6×6, 3×3) in float32),
# whose distance from `exact_*` bounds what Morph's Winograd rounding may cost.
WINOGRAD4_CONV_CASES = [
    ("k3_wino4_odd", 1, 16, 12, 7, 9, 3, 1, 1, 1, True),
    ("k3_wino4_pad0_batch2", 2, 12, 16, 10, 13, 3, 1, 0, 1, False),
    ("k3_wino4_pad2", 1, 8, 10, 5, 7, 3, 1, 2, 1, True),
    ("k3_wino4_c64_batch2", 2, 64, 32, 13, 11, 3, 1, 1, 1, True),
    ("k3_wino4_c128", 1, 128, 96, 12, 12, 3, 1, 1, 1, True),
    ("k3_wino4_c256", 1, 256, 64, 9, 10, 3, 1, 1, 1, False),
]
WINOGRAD4_CONVT_CASES = [
    ("k3_s1_wino4", 2, 16, 12, 7, 9, 3, 1, 1, 0, 1, True),
    ("k3_s1_wino4_pad0_c64", 1, 64, 48, 6, 5, 3, 1, 0, 0, 1, False),
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

# Stride-2 im2col / col2im over rows wide enough for their 8-lane paths (outputs 8 at a time while the 16 inputs
# they span stay inside the image row), with odd widths for the scalar tails, batch 2, padding 0 and dilation 2.
STRIDED_WIDE_CONV_CASES = [
    ("k3_s2_wide", 2, 3, 4, 13, 41, 3, 2, 1, 1, True),
    ("k3_s2_wide_pad0", 1, 2, 3, 9, 38, 3, 2, 0, 1, False),
    ("k5_s2_dilation2_wide", 1, 2, 3, 11, 45, 5, 2, 2, 2, True),
]
STRIDED_WIDE_CONVT_CASES = [
    ("k3_s2_op1_wide", 2, 4, 3, 7, 21, 3, 2, 1, 1, 1, True),
    ("k3_s2_wide_pad0", 1, 3, 2, 6, 19, 3, 2, 0, 0, 1, False),
]


def generate(folder):
    write_cases(folder, seeded(100), CONV_CASES, CONVT_CASES)
    write_cases(folder, seeded(101), WINOGRAD_CONV_CASES, WINOGRAD_CONVT_CASES, exact=True)
    write_cases(folder, seeded(102), SWAP_CONV_CASES, SWAP_CONVT_CASES)
    write_cases(folder, seeded(103), STRIDE2_CONV_CASES, STRIDE2_CONVT_CASES, exact=True)
    write_cases(folder, seeded(104), WINOGRAD4_CONV_CASES, WINOGRAD4_CONVT_CASES, exact=True, nnpack=True)
    write_cases(folder, seeded(105), STRIDED_WIDE_CONV_CASES, STRIDED_WIDE_CONVT_CASES)


def nnpack_correlations(x, weight, r, padding, transposed):
    """`nnpack_out` and `nnpack_grad_x` of a 3×3 stride-1 conv (or, `transposed`, conv_transpose2d) without bias,
    both through NNPACK's Winograd: the input gradient of one direction is the other direction's correlation with
    the kernels rotated by 180° and transposed, at padding 2 − p."""
    if not torch.backends.nnpack.is_available():
        raise RuntimeError("this PyTorch build has no NNPACK: the F(4×4, 3×3) fixtures need it")
    flipped = weight.detach().flip(2, 3).transpose(0, 1).contiguous()
    forward, backward = (flipped, weight.detach()) if transposed else (weight.detach(), flipped)
    p, q = (2 - padding, padding) if transposed else (padding, 2 - padding)
    # One image at a time: for a batch of small images NNPACK picks another algorithm than Winograd.
    def nnpack(images, kernels, pad):
        return torch.cat([torch._nnpack_spatial_convolution(image[None], kernels.contiguous(), None, [pad, pad])
                          for image in images])
    return {"nnpack_out": nnpack(x.detach(), forward, p), "nnpack_grad_x": nnpack(r, backward, q)}


def exact_gradients(op, x, weight, bias, r, **args):
    """The same conv (`op`: F.conv2d or F.conv_transpose2d) in float64: `exact_out`, `exact_grad_x`,
    `exact_grad_weight` (PyTorch's float32 results stay under their usual keys, so a test can measure its own
    rounding against PyTorch's)."""
    x64 = x.detach().double().requires_grad_()
    w64 = weight.detach().double().requires_grad_()
    b64 = bias.detach().double() if bias is not None else None
    out = op(x64, w64, b64, **args)
    (out * r.double()).sum().backward()
    return {"exact_out": out, "exact_grad_x": x64.grad, "exact_grad_weight": w64.grad}


def write_cases(folder, g, conv_cases, convt_cases, exact=False, nnpack=False):
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
            tensors.update(exact_gradients(F.conv2d, x, weight, bias, r, stride=s, padding=p, dilation=d))
        if nnpack:
            tensors.update(nnpack_correlations(x, weight, r, p, transposed=False))
        save(folder, "conv_" + name, tensors, stride=s, padding=p, dilation=d)
    for name, n, cin, cout, h, w, k, s, p, op, d, has_bias in convt_cases:
        x = torch.randn(n, cin, h, w, generator=g, requires_grad=True)
        weight = torch.randn(cin, cout, k, k, generator=g).mul_(0.3).requires_grad_()
        bias = torch.randn(cout, generator=g).requires_grad_() if has_bias else None
        out = F.conv_transpose2d(x, weight, bias, stride=s, padding=p, output_padding=op, dilation=d)
        r = torch.randn(out.shape, generator=g)
        (out * r).sum().backward()
        tensors = {"x": x, "weight": weight, "bias": bias, "out": out, "r": r, "grad_x": x.grad,
                   "grad_weight": weight.grad, "grad_bias": bias.grad if bias is not None else None}
        if exact:
            tensors.update(exact_gradients(F.conv_transpose2d, x, weight, bias, r, stride=s, padding=p, output_padding=op,
                                           dilation=d))
        if nnpack:
            tensors.update(nnpack_correlations(x, weight, r, p, transposed=True))
        save(folder, "convT_" + name, tensors, stride=s, padding=p, output_padding=op, dilation=d)
