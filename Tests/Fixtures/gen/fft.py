"""Parity fixtures for MorphTensor's 2-D real FFTs (group "fft").

`rfft2` is torch.fft.rfftn(x, dim=(-2, -1), norm="ortho") with real and imaginary parts
stacked as channels (channel 2c real, 2c+1 imaginary), the layout of LaMa's FourierUnit.
`irfft2` is its inverse, torch.fft.irfftn(..., s=(H, W), norm="ortho"), fed random spectra
whose zero and Nyquist columns are not Hermitian (PyTorch drops what symmetry forbids).
Each case stores x, out, a random r and grad_x of loss = (out * r).sum().
"""
import torch

from ._common import save, seeded


def stack_complex(z):
    """[N, C, H, K] complex -> [N, 2C, H, K] real, channel 2c real and 2c+1 imaginary."""
    n, c, h, k = z.shape
    return torch.stack((z.real, z.imag), dim=2).reshape(n, 2 * c, h, k)


def unstack_complex(s):
    """The inverse of stack_complex."""
    n, c2, h, k = s.shape
    s = s.reshape(n, c2 // 2, 2, h, k)
    return torch.complex(s[:, :, 0], s[:, :, 1])


def rfft2(x):
    return stack_complex(torch.fft.rfftn(x, dim=(-2, -1), norm="ortho"))


def irfft2(s, height, width):
    return torch.fft.irfftn(unstack_complex(s), s=(height, width), dim=(-2, -1), norm="ortho")


SHAPES = [(2, 3, 8, 6), (1, 2, 7, 5), (1, 1, 6, 9), (2, 2, 5, 8), (1, 1, 1, 4)]


def generate(folder):
    for i, shape in enumerate(SHAPES):
        g = seeded(900 + i)
        x = torch.randn(*shape, generator=g).requires_grad_()
        out = rfft2(x)
        r = torch.randn(*out.shape, generator=g)
        (out * r).sum().backward()
        save(folder, f"fft_rfft2_{i}", {"x": x, "out": out, "r": r, "grad_x": x.grad})

        n, c, h, w = shape
        spec = torch.randn(n, 2 * c, h, w // 2 + 1, generator=g).requires_grad_()
        out = irfft2(spec, h, w)
        r = torch.randn(*out.shape, generator=g)
        (out * r).sum().backward()
        save(folder, f"fft_irfft2_{i}", {"x": spec, "out": out, "r": r, "grad_x": spec.grad}, width=w)
