"""Parity fixtures for MorphModels: tiny configurations of every reference
architecture with seeded random weights, their outputs and gradients, plus
the full state_dict key lists (with shapes) of the default big configurations.

BasicSR's architectures (MSRResNet, RRDBNet, SRVGGNetCompact, VGGStyleDiscriminator,
UNetDiscriminatorSN) are BasicSR's own arch files, fetched at the commit pinned in
gen/reference.py (recorded in each fixture's metadata `reference`). The
pytorch-CycleGAN-and-pix2pix architectures are compact re-statements of
models/networks.py (that repository's snapshot is too large to fetch here); their
module names and order follow the reference exactly, so the state_dict keys are
the ones real checkpoints carry.

File layout of each `models_<case>` fixture:
  sd.<key>        the state dict loaded into the model (before any forward)
  x, r            input and the weights of the scalar loss (out * r).sum()
  out_train       output in train mode (for nets whose train mode differs)
  out / out_eval  output in eval mode (`out` when train == eval)
  grad_x          d loss / d x   (in the mode named by metadata `grad_mode`)
  grad.<key>      d loss / d parameter, for every parameter (metadata `grad_keys` lists them all)
  zero_grad.<key> the same for a bias whose gradient is zero in exact arithmetic (see _common.check_gradients)
  after.<key>     buffers after the train-mode forward (running stats, u, v)
Metadata: `arch` (registry name), `options` (JSON of string options),
`grad_mode` (train | eval), `grad_keys` (JSON list), `modes` (JSON list).
"""
import functools
import json

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

from gen._common import save, scale_weights
from gen.reference import BASICSR, basicsr


# ----------------------------------------------------------------------------
# pytorch-CycleGAN-and-pix2pix
# ----------------------------------------------------------------------------

class Identity(nn.Module):
    def forward(self, x):
        return x


def norm_factory(kind):
    if kind == "batch":
        return functools.partial(nn.BatchNorm2d, affine=True, track_running_stats=True)
    if kind == "instance":
        return functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False)
    if kind == "none":
        return lambda c: Identity()
    raise ValueError(kind)


def bias_rule(norm_layer):
    # The reference's use_bias rule, verbatim in effect: bias only with InstanceNorm.
    if type(norm_layer) == functools.partial:
        return norm_layer.func == nn.InstanceNorm2d
    return norm_layer == nn.InstanceNorm2d


class ResnetBlock(nn.Module):
    def __init__(self, dim, padding_type, norm_layer, use_dropout, use_bias):
        super().__init__()
        layers = []
        for half in range(2):
            p = 0
            if padding_type == "reflect":
                layers.append(nn.ReflectionPad2d(1))
            elif padding_type == "replicate":
                layers.append(nn.ReplicationPad2d(1))
            else:
                p = 1
            layers += [nn.Conv2d(dim, dim, 3, padding=p, bias=use_bias), norm_layer(dim)]
            if half == 0:
                layers.append(nn.ReLU(True))
                if use_dropout:
                    layers.append(nn.Dropout(0.5))
        self.conv_block = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, ngf=64, norm="batch", use_dropout=False, n_blocks=6,
                 padding_type="reflect"):
        super().__init__()
        norm_layer = norm_factory(norm)
        use_bias = bias_rule(norm_layer)
        m = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7, padding=0, bias=use_bias), norm_layer(ngf),
             nn.ReLU(True)]
        for i in range(2):
            mult = 2 ** i
            m += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=use_bias),
                  norm_layer(ngf * mult * 2), nn.ReLU(True)]
        for _ in range(n_blocks):
            m.append(ResnetBlock(ngf * 4, padding_type, norm_layer, use_dropout, use_bias))
        for i in range(2):
            mult = 2 ** (2 - i)
            m += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, stride=2, padding=1, output_padding=1,
                                     bias=use_bias),
                  norm_layer(ngf * mult // 2), nn.ReLU(True)]
        m += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7, padding=0), nn.Tanh()]
        self.model = nn.Sequential(*m)

    def forward(self, x):
        return self.model(x)


class UnetSkipConnectionBlock(nn.Module):
    def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False, innermost=False,
                 norm_layer=nn.BatchNorm2d, use_dropout=False):
        super().__init__()
        self.outermost = outermost
        use_bias = bias_rule(norm_layer)
        if input_nc is None:
            input_nc = outer_nc
        downconv = nn.Conv2d(input_nc, inner_nc, 4, stride=2, padding=1, bias=use_bias)
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, stride=2, padding=1)
            m = [downconv, submodule, nn.ReLU(True), upconv, nn.Tanh()]
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, 4, stride=2, padding=1, bias=use_bias)
            m = [nn.LeakyReLU(0.2, True), downconv, nn.ReLU(True), upconv, norm_layer(outer_nc)]
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, stride=2, padding=1, bias=use_bias)
            m = [nn.LeakyReLU(0.2, True), downconv, norm_layer(inner_nc), submodule,
                 nn.ReLU(True), upconv, norm_layer(outer_nc)]
            if use_dropout:
                m.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*m)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        return torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, num_downs, ngf=64, norm="batch", use_dropout=False):
        super().__init__()
        nl = norm_factory(norm)
        b = UnetSkipConnectionBlock(ngf * 8, ngf * 8, norm_layer=nl, innermost=True)
        for _ in range(num_downs - 5):
            b = UnetSkipConnectionBlock(ngf * 8, ngf * 8, submodule=b, norm_layer=nl, use_dropout=use_dropout)
        b = UnetSkipConnectionBlock(ngf * 4, ngf * 8, submodule=b, norm_layer=nl)
        b = UnetSkipConnectionBlock(ngf * 2, ngf * 4, submodule=b, norm_layer=nl)
        b = UnetSkipConnectionBlock(ngf, ngf * 2, submodule=b, norm_layer=nl)
        self.model = UnetSkipConnectionBlock(output_nc, ngf, input_nc=input_nc, submodule=b, outermost=True,
                                             norm_layer=nl)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc, ndf=64, n_layers=3, norm="batch"):
        super().__init__()
        nl = norm_factory(norm)
        use_bias = bias_rule(nl)
        seq = [nn.Conv2d(input_nc, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=2, padding=1, bias=use_bias), nl(ndf * mult),
                    nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2 ** n_layers, 8)
        seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=1, padding=1, bias=use_bias), nl(ndf * mult),
                nn.LeakyReLU(0.2, True)]
        seq += [nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1)]
        self.model = nn.Sequential(*seq)

    def forward(self, x):
        return self.model(x)


class PixelDiscriminator(nn.Module):
    def __init__(self, input_nc, ndf=64, norm="batch"):
        super().__init__()
        nl = norm_factory(norm)
        use_bias = bias_rule(nl)
        self.net = nn.Sequential(
            nn.Conv2d(input_nc, ndf, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, 1, bias=use_bias), nl(ndf * 2), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf * 2, 1, 1, bias=use_bias))

    def forward(self, x):
        return self.net(x)


# ----------------------------------------------------------------------------
# BasicSR / Real-ESRGAN: BasicSR's own arch files at a pinned commit (gen/reference.py)
# ----------------------------------------------------------------------------

_BASICSR = basicsr()
MSRResNet = _BASICSR.MSRResNet
VGGStyleDiscriminator = _BASICSR.VGGStyleDiscriminator
RRDBNet = _BASICSR.RRDBNet
SRVGGNetCompact = _BASICSR.SRVGGNetCompact
UNetDiscriminatorSN = _BASICSR.UNetDiscriminatorSN


# ----------------------------------------------------------------------------
# Fixture writing
# ----------------------------------------------------------------------------

def perturb(model, gen):
    """Random weights everywhere, including norm affine params, running stats and PReLU slopes."""
    def randn(shape):
        return torch.randn(shape, generator=gen)

    with torch.no_grad():
        for module in model.modules():
            own = dict(module.named_parameters(recurse=False))
            if isinstance(module, nn.PReLU):
                own["weight"].copy_(0.25 + 0.1 * randn(own["weight"].shape))
                continue
            if isinstance(module, nn.BatchNorm2d):
                own["weight"].copy_(1.0 + 0.2 * randn(own["weight"].shape))
                own["bias"].copy_(0.1 * randn(own["bias"].shape))
                module.running_mean.copy_(0.1 * randn(module.running_mean.shape))
                module.running_var.copy_(0.5 + torch.rand(module.running_var.shape, generator=gen))
                module.num_batches_tracked.fill_(3)
                continue
            for name, p in own.items():
                if name == "bias":
                    p.copy_(0.1 * randn(p.shape))
                else:
                    fan_in = p[0].numel()
                    p.copy_(randn(p.shape) * (1.0 / fan_in) ** 0.5)


def write_case(folder, case, model, x, arch, options, modes, seed, gain=1.0):
    """Runs the model in `modes` (train first, then eval) and saves everything.

    Gradients are taken in the first mode listed, for every parameter. `gain` multiplies every conv and
    linear weight after `perturb`, for deep networks whose gradients would otherwise fade below what float32
    can measure (gated convolutions halve the signal at every layer).
    """
    gen = torch.Generator().manual_seed(seed + 1)
    perturb(model, gen)
    scale_weights(model, gain)
    sd = {k: v.clone() for k, v in model.state_dict().items()}
    tensors = {"sd." + k: v for k, v in sd.items()}
    # The float32 weights and inputs are run in float64, so the stored outputs and gradients are the exact
    # values for those inputs, not one float32 summation order among many.
    model.double()
    x = x.double().clone().requires_grad_(True)
    grad_keys = [k for k, _ in model.named_parameters()]
    params = dict(model.named_parameters())
    r = None
    for i, mode in enumerate(modes):
        model.train(mode == "train")
        if i == 0:
            out = model(x)
            r = torch.randn(out.shape, generator=gen)
            (out * r.double()).sum().backward()
            tensors["grad_x"] = x.grad
            for k in grad_keys:
                tensors["grad." + k] = params[k].grad
        else:
            with torch.no_grad():
                out = model(x)
        key = "out" if modes == ["eval"] else "out_" + mode
        tensors[key] = out
        if mode == "train":
            for k, b in model.named_buffers():
                tensors["after." + k] = b
    tensors["x"] = x
    tensors["r"] = r
    basicsr_arch = arch in ("srresnet", "rrdbnet", "srvgg", "vgg_discriminator", "unet_discriminator_sn")
    reference = (f"{BASICSR[0]}@{BASICSR[1]} basicsr/archs" if basicsr_arch
                 else "restated from pytorch-CycleGAN-and-pix2pix models/networks.py or gen/inpaint.py")
    save(folder, "models_" + case, tensors, arch=arch, options=json.dumps(options, sort_keys=True),
         modes=json.dumps(modes), grad_mode=modes[0], grad_keys=json.dumps(grad_keys), reference=reference)


def tiny_cases():
    """(case, constructor, input shape, registry arch, string options, modes)."""
    return [
        ("resnet_instance", lambda: ResnetGenerator(3, 3, ngf=4, norm="instance", n_blocks=2),
         [1, 3, 20, 20], "resnet_9blocks", dict(input_nc="3", output_nc="3", ngf="4", norm="instance",
                                                 n_blocks="2"), ["eval"]),
        ("resnet_batch_dropout_replicate",
         lambda: ResnetGenerator(3, 2, ngf=4, norm="batch", n_blocks=1, use_dropout=True,
                                 padding_type="replicate"),
         [1, 3, 12, 16], "resnet_6blocks", dict(input_nc="3", output_nc="2", ngf="4", norm="batch",
                                                 n_blocks="1", use_dropout="true", padding_type="replicate"),
         ["eval"]),
        ("resnet_batch_train", lambda: ResnetGenerator(2, 3, ngf=4, norm="batch", n_blocks=1),
         [2, 2, 12, 12], "resnet_6blocks", dict(input_nc="2", output_nc="3", ngf="4", norm="batch",
                                                 n_blocks="1"), ["train", "eval"]),
        ("resnet_none_zero", lambda: ResnetGenerator(3, 3, ngf=4, norm="none", n_blocks=2, padding_type="zero"),
         [1, 3, 16, 12], "resnet_9blocks", dict(input_nc="3", output_nc="3", ngf="4", norm="none",
                                                 n_blocks="2", padding_type="zero"), ["eval"]),
        ("unet_batch", lambda: UnetGenerator(3, 3, 5, ngf=2, norm="batch"),
         [1, 3, 32, 32], "unet_256", dict(input_nc="3", output_nc="3", ngf="2", norm="batch",
                                           num_downs="5"), ["train", "eval"]),
        ("unet_instance_dropout", lambda: UnetGenerator(1, 1, 6, ngf=1, norm="instance", use_dropout=True),
         [1, 1, 64, 64], "unet_128", dict(input_nc="1", output_nc="1", ngf="1", norm="instance",
                                           num_downs="6", use_dropout="true"), ["eval"]),
        ("unet_batch_dropout", lambda: UnetGenerator(1, 1, 6, ngf=1, norm="batch", use_dropout=True),
         [1, 1, 64, 64], "unet_256", dict(input_nc="1", output_nc="1", ngf="1", norm="batch",
                                           num_downs="6", use_dropout="true"), ["eval"]),
        ("nlayer_batch", lambda: NLayerDiscriminator(3, ndf=4, n_layers=3, norm="batch"),
         [2, 3, 24, 24], "basic", dict(input_nc="3", ndf="4", norm="batch"), ["train", "eval"]),
        ("nlayer_instance", lambda: NLayerDiscriminator(6, ndf=4, n_layers=2, norm="instance"),
         [1, 6, 24, 24], "n_layers", dict(input_nc="6", ndf="4", norm="instance", n_layers="2"), ["eval"]),
        ("nlayer_none4", lambda: NLayerDiscriminator(1, ndf=2, n_layers=4, norm="none"),
         [1, 1, 48, 48], "n_layers", dict(input_nc="1", ndf="2", norm="none", n_layers="4"), ["eval"]),
        ("pixel_batch", lambda: PixelDiscriminator(3, ndf=4, norm="batch"),
         [2, 3, 8, 8], "pixel", dict(input_nc="3", ndf="4", norm="batch"), ["train", "eval"]),
        ("pixel_instance", lambda: PixelDiscriminator(3, ndf=4, norm="instance"),
         [1, 3, 8, 8], "pixel", dict(input_nc="3", ndf="4", norm="instance"), ["eval"]),
        ("srresnet_x4", lambda: MSRResNet(3, 3, num_feat=8, num_block=2, upscale=4),
         [1, 3, 8, 8], "srresnet", dict(num_feat="8", num_block="2", upscale="4"), ["eval"]),
        ("srresnet_x3", lambda: MSRResNet(3, 3, num_feat=8, num_block=2, upscale=3),
         [1, 3, 8, 8], "srresnet", dict(num_feat="8", num_block="2", upscale="3"), ["eval"]),
        ("srresnet_x2", lambda: MSRResNet(1, 2, num_feat=8, num_block=1, upscale=2),
         [1, 1, 6, 8], "srresnet", dict(num_in_ch="1", num_out_ch="2", num_feat="8", num_block="1",
                                         upscale="2"), ["eval"]),
        ("vgg_discriminator", lambda: VGGStyleDiscriminator(1, 1, input_size=128),
         [1, 1, 128, 128], "vgg_discriminator", dict(num_in_ch="1", num_feat="1", input_size="128"),
         ["train", "eval"]),
        ("rrdbnet_x4", lambda: RRDBNet(3, 3, scale=4, num_feat=8, num_block=2, num_grow_ch=4),
         [1, 3, 8, 8], "rrdbnet", dict(scale="4", num_feat="8", num_block="2", num_grow_ch="4"), ["eval"]),
        ("rrdbnet_x2", lambda: RRDBNet(3, 3, scale=2, num_feat=8, num_block=2, num_grow_ch=4),
         [1, 3, 8, 8], "rrdbnet", dict(scale="2", num_feat="8", num_block="2", num_grow_ch="4"), ["eval"]),
        ("rrdbnet_x1", lambda: RRDBNet(3, 3, scale=1, num_feat=8, num_block=2, num_grow_ch=4),
         [1, 3, 16, 16], "rrdbnet", dict(scale="1", num_feat="8", num_block="2", num_grow_ch="4"), ["eval"]),
        ("srvgg_prelu_x4", lambda: SRVGGNetCompact(3, 3, num_feat=8, num_conv=4, upscale=4, act_type="prelu"),
         [1, 3, 8, 8], "srvgg", dict(num_feat="8", num_conv="4", upscale="4", act_type="prelu"), ["eval"]),
        ("srvgg_lrelu_x2", lambda: SRVGGNetCompact(3, 3, num_feat=8, num_conv=2, upscale=2,
                                                   act_type="leakyrelu"),
         [1, 3, 6, 8], "srvgg", dict(num_feat="8", num_conv="2", upscale="2", act_type="leakyrelu"), ["eval"]),
        ("srvgg_relu_x3", lambda: SRVGGNetCompact(1, 1, num_feat=4, num_conv=3, upscale=3, act_type="relu"),
         [1, 1, 6, 6], "srvgg", dict(num_in_ch="1", num_out_ch="1", num_feat="4", num_conv="3", upscale="3",
                                      act_type="relu"), ["eval"]),
        ("unet_discriminator_sn", lambda: UNetDiscriminatorSN(3, num_feat=4),
         [1, 3, 32, 32], "unet_discriminator_sn", dict(num_in_ch="3", num_feat="4"), ["train", "eval"]),
        ("unet_discriminator_sn_noskip", lambda: UNetDiscriminatorSN(1, num_feat=2, skip_connection=False),
         [1, 1, 16, 24], "unet_discriminator_sn", dict(num_in_ch="1", num_feat="2", skip_connection="false"),
         ["eval"]),
    ]


def default_configs():
    """(name, constructor, registry arch, options) of the full-size reference configurations."""
    return [
        ("resnet_9blocks", lambda: ResnetGenerator(3, 3, 64, norm="instance", n_blocks=9),
         "resnet_9blocks", dict(norm="instance")),
        ("resnet_6blocks", lambda: ResnetGenerator(3, 3, 64, norm="instance", n_blocks=6),
         "resnet_6blocks", dict(norm="instance")),
        ("resnet_9blocks_batch_dropout", lambda: ResnetGenerator(3, 3, 64, norm="batch", n_blocks=9,
                                                                 use_dropout=True),
         "resnet_9blocks", dict(norm="batch", use_dropout="true")),
        ("unet_256", lambda: UnetGenerator(3, 3, 8, 64, norm="batch", use_dropout=True),
         "unet_256", dict(norm="batch", use_dropout="true")),
        ("unet_128", lambda: UnetGenerator(3, 3, 7, 64, norm="batch"), "unet_128", dict(norm="batch")),
        ("basic_batch", lambda: NLayerDiscriminator(3, 64, 3, norm="batch"), "basic", dict(norm="batch")),
        ("basic_instance", lambda: NLayerDiscriminator(3, 64, 3, norm="instance"), "basic",
         dict(norm="instance")),
        ("pixel", lambda: PixelDiscriminator(6, 64, norm="batch"), "pixel", dict(input_nc="6", norm="batch")),
        ("msrresnet_x4", lambda: MSRResNet(3, 3, 64, 16, 4), "srresnet", dict()),
        ("vgg_discriminator_128", lambda: VGGStyleDiscriminator(3, 64, 128), "vgg_discriminator", dict()),
        ("vgg_discriminator_256", lambda: VGGStyleDiscriminator(3, 64, 256), "vgg_discriminator",
         dict(input_size="256")),
        ("rrdbnet_x4", lambda: RRDBNet(3, 3, 4, 64, 23, 32), "rrdbnet", dict()),
        ("rrdbnet_x2", lambda: RRDBNet(3, 3, 2, 64, 23, 32), "rrdbnet", dict(scale="2")),
        ("realesr_general_x4v3", lambda: SRVGGNetCompact(3, 3, 64, 32, 4, "prelu"), "srvgg",
         dict(num_conv="32")),
        ("realesr_animevideov3", lambda: SRVGGNetCompact(3, 3, 64, 16, 4, "prelu"), "srvgg", dict()),
        ("unet_discriminator_sn", lambda: UNetDiscriminatorSN(3, 64), "unet_discriminator_sn", dict()),
    ]


def generate(folder):
    torch.manual_seed(0)
    for i, (case, make, shape, arch, options, modes) in enumerate(tiny_cases()):
        torch.manual_seed(100 + i)
        model = make()
        gen = torch.Generator().manual_seed(1000 + i)
        x = torch.randn(shape, generator=gen)
        write_case(folder, case, model, x, arch, options, modes, seed=2000 + i)

    keys = {}
    for name, make, arch, options in default_configs():
        torch.manual_seed(0)
        model = make()
        entries = [[k, list(v.shape)] for k, v in model.state_dict().items()]
        keys["keys." + name] = json.dumps(entries, separators=(",", ":"))
        keys["arch." + name] = arch
        keys["options." + name] = json.dumps(options, sort_keys=True)
    keys["configs"] = json.dumps([c[0] for c in default_configs()])
    save(folder, "models_default_keys", {"dummy": torch.zeros(1)}, **keys)
