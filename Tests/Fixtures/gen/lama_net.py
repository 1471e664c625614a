"""LaMa's generator (FFCResNetGenerator), restated from advimman/lama
saicinpainting/training/modules/ffc.py for the fixtures: same module names,
order and operations, so state_dict keys are those of the public checkpoints.
Only what the public generator configurations use is kept (no SE, no spatial
transform, no gating, no out_ffc, ffc3d off, fft_norm 'ortho').
"""
import torch
import torch.nn as nn


class FourierUnit(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_layer = nn.Conv2d(cin * 2, cout * 2, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(cout * 2)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        n = x.shape[0]
        spec = torch.fft.rfftn(x, dim=(-2, -1), norm="ortho")
        spec = torch.stack((spec.real, spec.imag), dim=-1).permute(0, 1, 4, 2, 3).contiguous()
        spec = spec.view((n, -1) + spec.shape[3:])
        spec = self.relu(self.bn(self.conv_layer(spec)))
        spec = spec.view((n, -1, 2) + spec.shape[2:]).permute(0, 1, 3, 4, 2).contiguous()
        spec = torch.complex(spec[..., 0], spec[..., 1])
        return torch.fft.irfftn(spec, s=x.shape[-2:], dim=(-2, -1), norm="ortho")


class SpectralTransform(nn.Module):
    def __init__(self, cin, cout, stride=1, enable_lfu=True):
        super().__init__()
        self.enable_lfu = enable_lfu
        self.downsample = nn.AvgPool2d(kernel_size=(2, 2), stride=2) if stride == 2 else nn.Identity()
        self.conv1 = nn.Sequential(nn.Conv2d(cin, cout // 2, kernel_size=1, bias=False),
                                   nn.BatchNorm2d(cout // 2), nn.ReLU(inplace=True))
        self.fu = FourierUnit(cout // 2, cout // 2)
        if enable_lfu:
            self.lfu = FourierUnit(cout // 2, cout // 2)
        self.conv2 = nn.Conv2d(cout // 2, cout, kernel_size=1, bias=False)

    def forward(self, x):
        x = self.conv1(self.downsample(x))
        out = self.fu(x)
        if self.enable_lfu:
            _, c, h, _ = x.shape
            s = h // 2
            xs = torch.cat(torch.split(x[:, :c // 4], s, dim=-2), dim=1).contiguous()
            xs = torch.cat(torch.split(xs, s, dim=-1), dim=1).contiguous()
            xs = self.lfu(xs).repeat(1, 1, 2, 2).contiguous()
        else:
            xs = 0
        return self.conv2(x + out + xs)


class FFC(nn.Module):
    def __init__(self, cin, cout, k, ratio_gin, ratio_gout, stride=1, padding=0, dilation=1,
                 enable_lfu=True, padding_type="reflect"):
        super().__init__()
        in_cg = int(cin * ratio_gin)
        in_cl = cin - in_cg
        out_cg = int(cout * ratio_gout)
        out_cl = cout - out_cg
        self.ratio_gout = ratio_gout

        def conv(i, o):
            if i == 0 or o == 0:
                return nn.Identity()
            return nn.Conv2d(i, o, k, stride, padding, dilation, 1, False, padding_mode=padding_type)

        self.convl2l = conv(in_cl, out_cl)
        self.convl2g = conv(in_cl, out_cg)
        self.convg2l = conv(in_cg, out_cl)
        self.convg2g = nn.Identity() if in_cg == 0 or out_cg == 0 else \
            SpectralTransform(in_cg, out_cg, stride, enable_lfu)

    def forward(self, x):
        x_l, x_g = x if type(x) is tuple else (x, torch.tensor(0))
        out_l, out_g = torch.tensor(0), torch.tensor(0)
        if self.ratio_gout != 1:
            out_l = self.convl2l(x_l) + self.convg2l(x_g)
        if self.ratio_gout != 0:
            out_g = self.convl2g(x_l) + self.convg2g(x_g)
        return out_l, out_g


class FFC_BN_ACT(nn.Module):
    def __init__(self, cin, cout, k, ratio_gin, ratio_gout, stride=1, padding=0, dilation=1,
                 enable_lfu=True, padding_type="reflect"):
        super().__init__()
        self.ffc = FFC(cin, cout, k, ratio_gin, ratio_gout, stride, padding, dilation, enable_lfu, padding_type)
        gc = int(cout * ratio_gout)
        self.bn_l = nn.Identity() if ratio_gout == 1 else nn.BatchNorm2d(cout - gc)
        self.bn_g = nn.Identity() if ratio_gout == 0 else nn.BatchNorm2d(gc)
        self.act_l = nn.Identity() if ratio_gout == 1 else nn.ReLU(inplace=True)
        self.act_g = nn.Identity() if ratio_gout == 0 else nn.ReLU(inplace=True)

    def forward(self, x):
        x_l, x_g = self.ffc(x)
        return self.act_l(self.bn_l(x_l)), self.act_g(self.bn_g(x_g))


class FFCResnetBlock(nn.Module):
    def __init__(self, dim, ratio, enable_lfu):
        super().__init__()
        self.conv1 = FFC_BN_ACT(dim, dim, 3, ratio, ratio, padding=1, enable_lfu=enable_lfu)
        self.conv2 = FFC_BN_ACT(dim, dim, 3, ratio, ratio, padding=1, enable_lfu=enable_lfu)

    def forward(self, x):
        x_l, x_g = x if type(x) is tuple else (x, 0)
        y_l, y_g = self.conv2(self.conv1((x_l, x_g)))
        return x_l + y_l, x_g + y_g


class ConcatTupleLayer(nn.Module):
    def forward(self, x):
        x_l, x_g = x
        if not torch.is_tensor(x_g):
            return x_l
        return torch.cat(x, dim=1)


class FFCResNetGenerator(nn.Module):
    def __init__(self, input_nc=4, output_nc=3, ngf=64, n_downsampling=3, n_blocks=18, ratio=0.75,
                 enable_lfu=False, max_features=1024, out_act="sigmoid"):
        super().__init__()
        model = [nn.ReflectionPad2d(3), FFC_BN_ACT(input_nc, ngf, 7, 0, 0, enable_lfu=False)]
        for i in range(n_downsampling):
            mult = 2 ** i
            gout = ratio if i == n_downsampling - 1 else 0
            model += [FFC_BN_ACT(min(max_features, ngf * mult), min(max_features, ngf * mult * 2), 3, 0, gout,
                                 stride=2, padding=1, enable_lfu=False)]
        dim = min(max_features, ngf * 2 ** n_downsampling)
        model += [FFCResnetBlock(dim, ratio, enable_lfu) for _ in range(n_blocks)]
        model += [ConcatTupleLayer()]
        for i in range(n_downsampling):
            mult = 2 ** (n_downsampling - i)
            model += [nn.ConvTranspose2d(min(max_features, ngf * mult), min(max_features, int(ngf * mult / 2)),
                                         kernel_size=3, stride=2, padding=1, output_padding=1),
                      nn.BatchNorm2d(min(max_features, int(ngf * mult / 2))), nn.ReLU(True)]
        model += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, kernel_size=7, padding=0)]
        model.append(nn.Sigmoid() if out_act == "sigmoid" else nn.Tanh())
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class InpaintingWrapper(nn.Module):
    """What IOPaint's big-lama.pt traces: (image, mask) in [0, 1] -> composited result."""

    def __init__(self, generator):
        super().__init__()
        self.generator = generator

    def forward(self, image, mask):
        masked = image * (1 - mask)
        predicted = self.generator(torch.cat([masked, mask], dim=1))
        return mask * predicted + (1 - mask) * image


def randomize(module, g):
    """Random weights and running statistics, so eval-mode BatchNorm does real work."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) * 0.5 + 0.75)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.2)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.8 + 0.6)
                m.num_batches_tracked.fill_(7)
            elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (1.5 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
