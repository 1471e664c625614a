"""Checkpoint fixtures: tiny .pth files in both torch.save layouts, hand-written
malicious pickles, and key/shape lists of the reference architectures.

Files are named ckpt_*. Expected tensor values live in companion safetensors.
The architectures below are re-created only as far as needed to reproduce the
reference state-dict key names and shapes (pytorch-CycleGAN-and-pix2pix
networks.py, BasicSR rrdbnet_arch.py / srvgg_arch.py / srresnet_arch.py and the
ESRGAN repository's RRDBNet_arch.py); they have no forward pass.
"""
import argparse
import json
import os
import struct
import zipfile
from collections import OrderedDict

import torch
import torch.nn as nn
import safetensors.torch

from ._common import save, seeded

PWNED = "/tmp/morph_ckpt_pwned"


# ---------------------------------------------------------------- key-name models

def _norm(kind, c):
    if kind == "batch":
        return nn.BatchNorm2d(c)
    if kind == "instance":
        return nn.InstanceNorm2d(c, affine=False, track_running_stats=False)
    if kind == "instance-affine":
        return nn.InstanceNorm2d(c, affine=True)
    return nn.Identity()


class ResnetGen(nn.Module):
    def __init__(self, inc, outc, ngf, norm, n_blocks, dropout):
        super().__init__()
        bias = norm.startswith("instance")
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(inc, ngf, 7, bias=bias), _norm(norm, ngf), nn.ReLU()]
        for i in range(2):
            m = 2 ** i
            layers += [nn.Conv2d(ngf * m, ngf * m * 2, 3, 2, 1, bias=bias), _norm(norm, ngf * m * 2), nn.ReLU()]
        for _ in range(n_blocks):
            layers += [ResBlock(ngf * 4, norm, dropout, bias)]
        for i in range(2):
            m = 2 ** (2 - i)
            layers += [nn.ConvTranspose2d(ngf * m, ngf * m // 2, 3, 2, 1, 1, bias=bias), _norm(norm, ngf * m // 2),
                       nn.ReLU()]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, outc, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)


class ResBlock(nn.Module):
    def __init__(self, c, norm, dropout, bias):
        super().__init__()
        b = [nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3, bias=bias), _norm(norm, c), nn.ReLU()]
        if dropout:
            b += [nn.Dropout(0.5)]
        b += [nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3, bias=bias), _norm(norm, c)]
        self.conv_block = nn.Sequential(*b)


class UnetBlock(nn.Module):
    def __init__(self, outer, inner, inc=None, sub=None, outermost=False, innermost=False, norm="batch"):
        super().__init__()
        bias = norm.startswith("instance")
        inc = outer if inc is None else inc
        down = nn.Conv2d(inc, inner, 4, 2, 1, bias=bias)
        if outermost:
            layers = [down, sub, nn.ReLU(), nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1), nn.Tanh()]
        elif innermost:
            layers = [nn.LeakyReLU(0.2), down, nn.ReLU(), nn.ConvTranspose2d(inner, outer, 4, 2, 1, bias=bias),
                      _norm(norm, outer)]
        else:
            layers = [nn.LeakyReLU(0.2), down, _norm(norm, inner), sub, nn.ReLU(),
                      nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1, bias=bias), _norm(norm, outer)]
        self.model = nn.Sequential(*layers)


class UnetGen(nn.Module):
    def __init__(self, inc, outc, num_downs, ngf, norm):
        super().__init__()
        b = UnetBlock(ngf * 8, ngf * 8, innermost=True, norm=norm)
        for _ in range(num_downs - 5):
            b = UnetBlock(ngf * 8, ngf * 8, sub=b, norm=norm)
        b = UnetBlock(ngf * 4, ngf * 8, sub=b, norm=norm)
        b = UnetBlock(ngf * 2, ngf * 4, sub=b, norm=norm)
        b = UnetBlock(ngf, ngf * 2, sub=b, norm=norm)
        self.model = UnetBlock(outc, ngf, inc=inc, sub=b, outermost=True, norm=norm)


class NLayerD(nn.Module):
    def __init__(self, inc, ndf, n_layers, norm):
        super().__init__()
        bias = norm.startswith("instance")
        s = [nn.Conv2d(inc, ndf, 4, 2, 1), nn.LeakyReLU(0.2)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            s += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2, 1, bias=bias), _norm(norm, ndf * mult), nn.LeakyReLU(0.2)]
        prev, mult = mult, min(2 ** n_layers, 8)
        s += [nn.Conv2d(ndf * prev, ndf * mult, 4, 1, 1, bias=bias), _norm(norm, ndf * mult), nn.LeakyReLU(0.2)]
        s += [nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.model = nn.Sequential(*s)


class PixelD(nn.Module):
    def __init__(self, inc, ndf, norm):
        super().__init__()
        bias = norm.startswith("instance")
        self.net = nn.Sequential(nn.Conv2d(inc, ndf, 1), nn.LeakyReLU(0.2), nn.Conv2d(ndf, ndf * 2, 1, bias=bias),
                                 _norm(norm, ndf * 2), nn.LeakyReLU(0.2), nn.Conv2d(ndf * 2, 1, 1, bias=bias))


class RDB(nn.Module):
    def __init__(self, nf, gc, wrap=False):
        super().__init__()
        for j in range(5):
            cin = nf + j * gc
            cout = nf if j == 4 else gc
            conv = nn.Conv2d(cin, cout, 3, 1, 1)
            setattr(self, f"conv{j + 1}", nn.Sequential(conv) if wrap else conv)


class RRDB(nn.Module):
    def __init__(self, nf, gc, names=("rdb1", "rdb2", "rdb3"), wrap=False):
        super().__init__()
        for n in names:
            setattr(self, n, RDB(nf, gc, wrap))


class RRDBNet(nn.Module):
    """BasicSR names."""
    def __init__(self, inc, outc, nf, nb, gc, scale):
        super().__init__()
        inc = inc * {4: 1, 2: 4, 1: 16}[scale]
        self.conv_first = nn.Conv2d(inc, nf, 3, 1, 1)
        self.body = nn.Sequential(*[RRDB(nf, gc) for _ in range(nb)])
        self.conv_body = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_up1 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_up2 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_hr = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_last = nn.Conv2d(nf, outc, 3, 1, 1)


class TrunkESRGAN(nn.Module):
    """The ESRGAN repository's RRDBNet_arch.py names."""
    def __init__(self, nf, nb, gc):
        super().__init__()
        self.conv_first = nn.Conv2d(3, nf, 3, 1, 1)
        self.RRDB_trunk = nn.Sequential(*[RRDB(nf, gc, ("RDB1", "RDB2", "RDB3")) for _ in range(nb)])
        self.trunk_conv = nn.Conv2d(nf, nf, 3, 1, 1)
        self.upconv1 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.upconv2 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.HRconv = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_last = nn.Conv2d(nf, 3, 3, 1, 1)


class Shortcut(nn.Module):
    def __init__(self, sub):
        super().__init__()
        self.sub = sub


class OldArchESRGAN(nn.Module):
    """The first ESRGAN release: one flattened Sequential (block.py style)."""
    def __init__(self, nf, nb, gc):
        super().__init__()
        blocks = [RRDB(nf, gc, ("RDB1", "RDB2", "RDB3"), wrap=True) for _ in range(nb)]
        sub = nn.Sequential(*blocks, nn.Conv2d(nf, nf, 3, 1, 1))
        self.model = nn.Sequential(
            nn.Conv2d(3, nf, 3, 1, 1), Shortcut(sub),
            nn.Upsample(scale_factor=2), nn.Conv2d(nf, nf, 3, 1, 1), nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2), nn.Conv2d(nf, nf, 3, 1, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(nf, nf, 3, 1, 1), nn.LeakyReLU(0.2), nn.Conv2d(nf, 3, 3, 1, 1))


class SRVGG(nn.Module):
    def __init__(self, inc, outc, nf, num_conv, scale):
        super().__init__()
        body = [nn.Conv2d(inc, nf, 3, 1, 1), nn.PReLU(nf)]
        for _ in range(num_conv):
            body += [nn.Conv2d(nf, nf, 3, 1, 1), nn.PReLU(nf)]
        body += [nn.Conv2d(nf, outc * scale * scale, 3, 1, 1)]
        self.body = nn.ModuleList(body)


class ResNoBN(nn.Module):
    def __init__(self, nf):
        super().__init__()
        self.conv1 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv2 = nn.Conv2d(nf, nf, 3, 1, 1)


class MSRResNet(nn.Module):
    def __init__(self, inc, outc, nf, nb, scale):
        super().__init__()
        self.conv_first = nn.Conv2d(inc, nf, 3, 1, 1)
        self.body = nn.Sequential(*[ResNoBN(nf) for _ in range(nb)])
        if scale in (2, 3):
            self.upconv1 = nn.Conv2d(nf, nf * scale * scale, 3, 1, 1)
        else:
            self.upconv1 = nn.Conv2d(nf, nf * 4, 3, 1, 1)
            self.upconv2 = nn.Conv2d(nf, nf * 4, 3, 1, 1)
        self.conv_hr = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_last = nn.Conv2d(nf, outc, 3, 1, 1)


# ---------------------------------------------------------------- helpers

def _shapes(module):
    return [[k, list(v.shape)] for k, v in module.state_dict().items()]


def _arch_cases():
    """(name, module, expected configuration) for the detection fixtures: the registry's name and option keys
    (`ArchitectureRegistry` in Sources/MorphModels), an SR network's factor under its `scale`/`upscale` option."""
    return [
        ("resnet9_instance", ResnetGen(3, 3, 64, "instance", 9, False),
         {"name": "resnet_9blocks", "scale": 1, "options": {"n_blocks": 9, "ngf": 64, "input_nc": 3, "output_nc": 3,
                                                             "norm": "instance", "use_dropout": False}}),
        ("resnet6_batch_dropout", ResnetGen(3, 1, 8, "batch", 6, True),
         {"name": "resnet_9blocks", "scale": 1, "options": {"n_blocks": 6, "ngf": 8, "input_nc": 3, "output_nc": 1,
                                                             "norm": "batch", "use_dropout": True}}),
        ("resnet2_affine", ResnetGen(1, 3, 4, "instance-affine", 2, False),
         {"name": "resnet_9blocks", "scale": 1, "options": {"n_blocks": 2, "ngf": 4, "input_nc": 1, "output_nc": 3,
                                                             "norm": "instance-affine", "use_dropout": False}}),
        ("unet256_batch", UnetGen(3, 3, 8, 64, "batch"),
         {"name": "unet_256", "scale": 1, "options": {"num_downs": 8, "ngf": 64, "input_nc": 3, "output_nc": 3,
                                                       "norm": "batch"}}),
        ("unet128_instance", UnetGen(1, 2, 7, 8, "instance"),
         {"name": "unet_256", "scale": 1, "options": {"num_downs": 7, "ngf": 8, "input_nc": 1, "output_nc": 2,
                                                       "norm": "instance"}}),
        ("nlayer3_batch", NLayerD(6, 64, 3, "batch"),
         {"name": "n_layers", "scale": 1, "options": {"n_layers": 3, "ndf": 64, "input_nc": 6, "norm": "batch"}}),
        ("pixel_instance", PixelD(3, 16, "instance"),
         {"name": "pixel", "scale": 1, "options": {"ndf": 16, "input_nc": 3, "norm": "instance"}}),
        ("rrdb23_x4", RRDBNet(3, 3, 64, 23, 32, 4),
         {"name": "rrdbnet", "scale": 4, "options": {"num_block": 23, "num_feat": 64, "num_grow_ch": 32,
                                                      "num_in_ch": 3, "num_out_ch": 3, "scale": 4}}),
        ("rrdb6_x2", RRDBNet(3, 3, 16, 6, 8, 2),
         {"name": "rrdbnet", "scale": 2, "options": {"num_block": 6, "num_feat": 16, "num_grow_ch": 8,
                                                      "num_in_ch": 3, "num_out_ch": 3, "scale": 2}}),
        ("rrdb2_x1", RRDBNet(3, 3, 8, 2, 4, 1),
         {"name": "rrdbnet", "scale": 1, "options": {"num_block": 2, "num_feat": 8, "num_grow_ch": 4,
                                                      "num_in_ch": 3, "num_out_ch": 3, "scale": 1}}),
        ("srvgg32_x4", SRVGG(3, 3, 64, 32, 4),
         {"name": "srvgg", "scale": 4, "options": {"num_conv": 32, "num_feat": 64, "num_in_ch": 3,
                                                    "num_out_ch": 3, "act_type": "prelu", "upscale": 4}}),
        ("srvgg16_x2", SRVGG(3, 3, 16, 16, 2),
         {"name": "srvgg", "scale": 2, "options": {"num_conv": 16, "num_feat": 16, "num_in_ch": 3,
                                                    "num_out_ch": 3, "act_type": "prelu", "upscale": 2}}),
        ("msrresnet16_x4", MSRResNet(3, 3, 64, 16, 4),
         {"name": "srresnet", "scale": 4, "options": {"num_block": 16, "num_feat": 64, "num_in_ch": 3,
                                                       "num_out_ch": 3, "upscale": 4}}),
        ("msrresnet4_x3", MSRResNet(3, 3, 8, 4, 3),
         {"name": "srresnet", "scale": 3, "options": {"num_block": 4, "num_feat": 8, "num_in_ch": 3,
                                                       "num_out_ch": 3, "upscale": 3}}),
        ("trunk_esrgan_x4", TrunkESRGAN(8, 2, 4),
         {"name": "rrdbnet", "scale": 4, "options": {"num_block": 2, "num_feat": 8, "num_grow_ch": 4,
                                                      "num_in_ch": 3, "num_out_ch": 3, "scale": 4}}),
        ("oldarch_esrgan_x4", OldArchESRGAN(8, 2, 4),
         {"name": "rrdbnet", "scale": 4, "options": {"num_block": 2, "num_feat": 8, "num_grow_ch": 4,
                                                      "num_in_ch": 3, "num_out_ch": 3, "scale": 4}}),
    ]


def write_archkeys(folder):
    """Key lists of the reference architectures and what detection must name them, for detection."""
    meta = {}
    for name, module, spec in _arch_cases():
        meta["shapes." + name] = json.dumps(_shapes(module))
        meta["spec." + name] = json.dumps(spec)
    save(folder, "ckpt_archkeys", {"dummy": torch.zeros(1)}, cases=json.dumps([c[0] for c in _arch_cases()]), **meta)


def _pickle_str(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def _evil_zip(path, payload):
    """A zip .pth whose data.pkl is `payload` (a hand-written pickle)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")


def _legacy_header():
    """The three pickles that open a legacy .pth (magic, protocol version, sys info), as torch writes them."""
    magic = b"\x80\x02\x8a\x0a" + (0x1950a86a20f9469cfc6c).to_bytes(10, "little") + b"."
    version = b"\x80\x02M" + struct.pack("<H", 1001) + b"."
    sysinfo = (b"\x80\x02}(" + _pickle_str("protocol_version") + b"M" + struct.pack("<H", 1001)
               + _pickle_str("little_endian") + b"\x88u.")
    return magic + version + sysinfo


def _write_malicious(folder):
    cmd = "touch " + PWNED
    # GLOBAL os.system + REDUCE: the classic pickle payload.
    os_system = b"\x80\x02cos\nsystem\n(" + _pickle_str(cmd) + b"tR."
    _evil_zip(os.path.join(folder, "ckpt_evil_os_system.pth"), os_system)
    # STACK_GLOBAL posix.system inside an otherwise normal-looking dict (protocol 4 opcodes).
    stack = (b"\x80\x04}\x94(\x8c\x05model\x94\x8c\x05posix\x94\x8c\x06system\x94\x93\x94"
             + b"\x8c" + bytes([len(cmd)]) + cmd.encode() + b"\x85\x94R\x94u.")
    _evil_zip(os.path.join(folder, "ckpt_evil_posix_system.pth"), stack)
    # Legacy layout: a valid header, then REDUCE of builtins.eval.
    code = "open('%s','w').close()" % PWNED
    evil = b"\x80\x02c__builtin__\neval\n(" + _pickle_str(code) + b"tR."
    with open(os.path.join(folder, "ckpt_evil_legacy_eval.pth"), "wb") as f:
        f.write(_legacy_header() + evil)
    # REDUCE applied to an allowed *class* that is not a callable Morph interprets (torch.FloatStorage).
    storage_call = b"\x80\x02ctorch\nFloatStorage\n(K\x04tR."
    _evil_zip(os.path.join(folder, "ckpt_evil_storage_call.pth"), storage_call)


def _write_corrupt(folder, zip_path, legacy_path):
    with open(zip_path, "rb") as f:
        zdata = f.read()
    with open(legacy_path, "rb") as f:
        ldata = f.read()
    with open(os.path.join(folder, "ckpt_truncated_zip.pth"), "wb") as f:
        f.write(zdata[: len(zdata) // 2])
    with open(os.path.join(folder, "ckpt_truncated_legacy.pth"), "wb") as f:
        f.write(ldata[: len(ldata) - 20])
    # A pickle whose BINUNICODE claims 2**31 bytes.
    _evil_zip(os.path.join(folder, "ckpt_huge_string.pth"), b"\x80\x02X\xff\xff\xff\x7fabc.")
    # A tensor view reaching far past its 4-element storage.
    big = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((" + _pickle_str("storage")
           + b"ctorch\nFloatStorage\n" + _pickle_str("0") + _pickle_str("cpu") + b"K\x04tQK\x00J\x00\x00\x00\x10\x85K\x01\x85\x89"
           + b"ccollections\nOrderedDict\n)RtR.")
    with zipfile.ZipFile(os.path.join(folder, "ckpt_huge_view.pth"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", big)
        z.writestr("archive/data/0", b"\x00" * 16)
    # A BINGET of a memo slot never stored.
    _evil_zip(os.path.join(folder, "ckpt_bad_memo.pth"), b"\x80\x02h\x07.")
    # Not a checkpoint at all.
    with open(os.path.join(folder, "ckpt_not_a_checkpoint.pth"), "wb") as f:
        f.write(b"hello, this is text and not a model\n")


def generate(folder):
    g = seeded(11)
    # --- the basic state dict: mixed dtypes, a transposed view, a shared storage, an offset view
    base = torch.randn(4, 6, generator=g)
    shared = torch.randn(20, generator=g)
    sd = OrderedDict()
    sd["conv.weight"] = torch.randn(2, 3, 3, 3, generator=g)
    sd["conv.bias"] = torch.randn(2, generator=g)
    sd["half"] = torch.randn(3, 5, generator=g).half()
    sd["bf16"] = torch.randn(7, generator=g).to(torch.bfloat16)
    sd["double"] = torch.randn(2, 2, generator=g).double()
    sd["bn.num_batches_tracked"] = torch.tensor(1234, dtype=torch.int64)
    sd["int32"] = torch.tensor([-3, 0, 7], dtype=torch.int32)
    sd["transposed"] = base.t()                    # shape (6, 4), strides (1, 6)
    sd["shared_a"] = shared[2:8].view(2, 3)         # storage offset 2
    sd["shared_b"] = shared[10:20:3]                # offset 10, stride 3
    sd["scalar"] = torch.tensor(2.5)
    torch.save(sd, os.path.join(folder, "ckpt_basic_zip.pth"))
    torch.save(sd, os.path.join(folder, "ckpt_basic_legacy.pth"), _use_new_zipfile_serialization=False)
    # the same tensors through safetensors' own writer (its I64 and I32 entries included; it refuses shared storage)
    safetensors.torch.save_file({k: v.contiguous().clone() for k, v in sd.items()},
                                os.path.join(folder, "ckpt_basic.safetensors"))
    save(folder, "ckpt_basic_expected", dict(sd), keys=json.dumps(list(sd.keys())),
         dtypes=json.dumps({k: str(v.dtype).replace("torch.", "") for k, v in sd.items()}))

    # --- a real nn.Module state dict (OrderedDict with _metadata, BUILD), wrapped like Real-ESRGAN files
    torch.manual_seed(3)
    net = SRVGG(3, 3, 4, 2, 2)
    ema = SRVGG(3, 3, 4, 2, 2)
    wrapped = {"params_ema": ema.state_dict(), "params": net.state_dict()}
    torch.save(wrapped, os.path.join(folder, "ckpt_wrapped_zip.pth"))
    torch.save(wrapped, os.path.join(folder, "ckpt_wrapped_legacy.pth"), _use_new_zipfile_serialization=False)
    save(folder, "ckpt_wrapped_expected", dict(ema.state_dict()), keys=json.dumps(list(ema.state_dict().keys())))

    # --- DataParallel prefix, with training extras and an argparse.Namespace (opaque object)
    res = ResnetGen(3, 3, 2, "instance", 1, False)
    msd = OrderedDict(("module." + k, v) for k, v in res.state_dict().items())
    # old-PyTorch InstanceNorm statistics the reference drops on load
    msd["module.model.2.running_mean"] = torch.zeros(2)
    msd["module.model.2.running_var"] = torch.ones(2)
    msd["module.model.2.num_batches_tracked"] = torch.tensor(0)
    ckpt = {"epoch": 7, "opt": argparse.Namespace(lr=0.0002, name="h2z"), "state_dict": msd}
    torch.save(ckpt, os.path.join(folder, "ckpt_module_zip.pth"))
    save(folder, "ckpt_module_expected", dict(res.state_dict()), keys=json.dumps(list(res.state_dict().keys())))

    # --- ESRGAN names: both original schemes, and the BasicSR names they map to
    torch.manual_seed(5)
    trunk = TrunkESRGAN(4, 2, 2)
    torch.save(trunk.state_dict(), os.path.join(folder, "ckpt_esrgan_trunk.pth"),
               _use_new_zipfile_serialization=False)
    basic = RRDBNet(3, 3, 4, 2, 2, 4)
    renamed = OrderedDict(zip(basic.state_dict().keys(), trunk.state_dict().values()))
    save(folder, "ckpt_esrgan_trunk_expected", dict(renamed), keys=json.dumps(list(basic.state_dict().keys())))
    old = OldArchESRGAN(4, 2, 2)
    torch.save(old.state_dict(), os.path.join(folder, "ckpt_esrgan_oldarch.pth"))
    renamed_old = OrderedDict(zip(basic.state_dict().keys(), old.state_dict().values()))
    save(folder, "ckpt_esrgan_oldarch_expected", dict(renamed_old), keys=json.dumps(list(basic.state_dict().keys())))

    # --- float16 / bfloat16 rounding: torch's own conversions of awkward values
    vals = torch.cat([torch.randn(64, generator=g) * 100, torch.tensor([
        0.0, -0.0, 1.0, 65504.0, 65519.0, 65520.0, 1e5, 6e-8, 2.98e-8, 3e-8, 1e-9, 6.1e-5, 1.0009765625,
        1.00048828125, 1.00146484375, -2.5, 3.0e38, 1e-40, float("inf"), float("-inf")])])
    save(folder, "ckpt_rounding", {"x": vals, "f16": vals.half().float(), "bf16": vals.bfloat16().float()})

    # --- key lists of the reference architectures, for detection
    write_archkeys(folder)

    _write_malicious(folder)
    _write_corrupt(folder, os.path.join(folder, "ckpt_basic_zip.pth"), os.path.join(folder, "ckpt_basic_legacy.pth"))
