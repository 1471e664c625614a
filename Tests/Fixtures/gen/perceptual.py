"""VGG19 perceptual-loss fixtures: a torchvision-layout VGG19 with every width divided by 16, saved with
torch.save as torchvision's vgg19 state dict is (features.* and classifier.*), a VGG16 of the same kind
(which Morph must reject), and BasicSR's PerceptualLoss values and input gradients in float64.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from gen._common import save

CFG19 = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]
CFG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
NAMES19 = []
for block, convs in enumerate([2, 2, 4, 4, 4], start=1):
    for i in range(1, convs + 1):
        NAMES19 += [f"conv{block}_{i}", f"relu{block}_{i}"]
    NAMES19.append(f"pool{block}")


class VGG(nn.Module):
    def __init__(self, cfg, divisor):
        super().__init__()
        layers, cin = [], 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(cin, v // divisor, 3, padding=1), nn.ReLU(inplace=False)]
                cin = v // divisor
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(cin, 8), nn.ReLU(), nn.Dropout(), nn.Linear(8, 8), nn.ReLU(),
                                        nn.Dropout(), nn.Linear(8, 10))


def perceptual(vgg, x, gt, weights):
    mean = torch.tensor([0.485, 0.456, 0.406], dtype=x.dtype).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225], dtype=x.dtype).view(1, 3, 1, 1)

    def feats(t):
        out, h = {}, (t - mean) / std
        for name, layer in zip(NAMES19, vgg.features):
            h = layer(h)
            if name in weights:
                out[name] = h
        return out

    fx, fg = feats(x), feats(gt.detach())
    return sum(F.l1_loss(fx[k], fg[k].detach()) * w for k, w in weights.items())


def generate(folder):
    torch.manual_seed(21)
    vgg = VGG(CFG19, 16)
    # He-initialised like a trained VGG's scale, so conv5_4 still carries signal at 1/16 width.
    with torch.no_grad():
        for m in vgg.features:
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
                m.bias.normal_(0, 0.05)
    torch.save(vgg.state_dict(), os.path.join(folder, "vgg19_tiny.pth"))
    torch.save(VGG(CFG16, 16).state_dict(), os.path.join(folder, "vgg16_tiny.pth"))
    g = torch.Generator().manual_seed(22)
    x = torch.rand(1, 3, 32, 32, generator=g)
    gt = (x + 0.2 * torch.rand(1, 3, 32, 32, generator=g)).clamp(0, 1)
    vgg64 = vgg.double().eval()
    tensors = {"x": x, "gt": gt}
    for case, weights in {"esrgan": {"conv5_4": 1.0}, "mixed": {"conv1_2": 0.1, "relu3_4": 1.0, "conv5_4": 0.5}}.items():
        xx = x.double().clone().requires_grad_(True)
        loss = perceptual(vgg64, xx, gt.double(), weights)
        loss.backward()
        tensors[case + ".loss"] = loss.detach().reshape(1)
        tensors[case + ".grad_x"] = xx.grad
    save(folder, "perceptual_vgg19_tiny", tensors)
