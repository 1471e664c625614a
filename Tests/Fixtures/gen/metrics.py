"""PSNR/SSIM reference values computed with scikit-image, on small committed PNG pairs.

BasicSR's definitions: samples on the 0-255 scale in float64, optional border crop, optional Y channel
(Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255), PSNR = 10 log10(255^2 / MSE), SSIM with an 11x11 Gaussian
window (sigma 1.5), population covariance, C1 = (0.01*255)^2, C2 = (0.03*255)^2, averaged over the valid
positions and the channels. scikit-image's structural_similarity with gaussian_weights=True, sigma=1.5,
use_sample_covariance=False and data_range=255 computes the same quantity.
"""
import json
import os

import numpy as np
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def _y(img):
    img = img.astype(np.float64)
    return 16.0 + (65.481 * img[..., 0] + 128.553 * img[..., 1] + 24.966 * img[..., 2]) / 255.0


def _measure(ref, test, crop, y_channel):
    a, b = ref.astype(np.float64), test.astype(np.float64)
    if a.ndim == 2:
        a, b = a[..., None], b[..., None]
    if y_channel:
        if a.shape[-1] == 1:
            a, b = np.repeat(a, 3, axis=-1), np.repeat(b, 3, axis=-1)
        a, b = _y(a)[..., None], _y(b)[..., None]
    if crop:
        a, b = a[crop:-crop, crop:-crop], b[crop:-crop, crop:-crop]
    psnr = peak_signal_noise_ratio(a, b, data_range=255)
    ssim = structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                 data_range=255, channel_axis=-1)
    return psnr, ssim


def generate(folder):
    rng = np.random.default_rng(7)
    out = os.path.join(folder, "metrics")
    os.makedirs(os.path.join(out, "ref"), exist_ok=True)
    os.makedirs(os.path.join(out, "test"), exist_ok=True)
    yy, xx = np.mgrid[0:37, 0:45]
    base = np.stack([128 + 90 * np.sin(xx / 6.0), 128 + 80 * np.cos(yy / 5.0), 40 + 3 * (xx + yy)], axis=-1)
    rgb_ref = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).round().astype(np.uint8)
    rgb_test = np.clip(rgb_ref.astype(np.float64) + rng.normal(0, 9, base.shape) + 4, 0, 255).round().astype(np.uint8)
    gray_ref = np.clip(100 + 60 * np.sin((xx + 2 * yy) / 7.0) + rng.normal(0, 5, xx.shape), 0, 255).round().astype(np.uint8)
    gray_test = np.clip(gray_ref * 0.9 + 20 + rng.normal(0, 7, xx.shape), 0, 255).round().astype(np.uint8)
    pairs = {"rgb": (rgb_ref, rgb_test), "gray": (gray_ref, gray_test)}
    expected = {}
    for name, (ref, test) in pairs.items():
        Image.fromarray(ref).save(os.path.join(out, "ref", name + ".png"))
        Image.fromarray(test).save(os.path.join(out, "test", name + ".png"))
        for crop in (0, 4):
            for y_channel in (False, True):
                psnr, ssim = _measure(ref, test, crop, y_channel)
                expected[f"{name}/crop{crop}/{'y' if y_channel else 'rgb'}"] = {"psnr": psnr, "ssim": ssim}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
