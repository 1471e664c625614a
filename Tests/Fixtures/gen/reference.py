"""The reference implementations' own code, fetched at pinned commits, for the fixture generators.

Where the reference's architecture code can run here, the generators use it instead of a restatement, so a
misreading of the reference cannot be shared by the generator and the Swift code. Files come from, in order:
  1. $MORPH_REFERENCE_MIRRORS/<owner>+<name>/repo, a bare git mirror (read with `git show <commit>:<path>`);
  2. raw.githubusercontent.com at the pinned commit (cached in ~/.cache/morph-fixtures).
Only source text is fetched and it runs in the generator, never in Morph or its tests.

BasicSR's arch files import heavy siblings (torchvision, the deformable-conv extension, the logger, the
registry); those are replaced by small stand-ins below. The architecture classes themselves run unchanged.
"""
import os
import subprocess
import sys
import types
import urllib.request

# XPixelGroup/BasicSR, "change functional_tensor to functional (#650)".
BASICSR = ("XPixelGroup/BasicSR", "8d56e3a045f9fb3e1d8872f92ee4a4f07f886b0a")


def source(repo, commit, path):
    """The text of `path` in `repo` (owner/name) at `commit`."""
    mirrors = os.environ.get("MORPH_REFERENCE_MIRRORS")
    if mirrors:
        git_dir = os.path.join(mirrors, repo.replace("/", "+"), "repo")
        if os.path.isdir(git_dir):
            return subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True,
                                  capture_output=True, text=True).stdout
    cache = os.path.join(os.path.expanduser("~/.cache/morph-fixtures"), repo.replace("/", "+"), commit, path)
    if not os.path.exists(cache):
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        url = f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
        with open(cache, "wb") as f:
            f.write(data)
    with open(cache, encoding="utf-8") as f:
        return f.read()


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class _Registry:
    def register(self, obj=None, suffix=None):
        return (lambda cls: cls) if obj is None else obj


class _Unavailable:
    """Stands in for the deformable-conv extension, which no architecture used here needs."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("the deformable-conv extension is not available in the fixture generator")


def _load(name, text, package):
    module = types.ModuleType(name)
    module.__package__ = package
    sys.modules[name] = module
    exec(compile(text, f"<{BASICSR[0]}@{BASICSR[1][:10]}:{name}>", "exec"), module.__dict__)
    return module


def basicsr():
    """A namespace with BasicSR's MSRResNet, RRDBNet, SRVGGNetCompact, VGGStyleDiscriminator and
    UNetDiscriminatorSN, from its own arch files at the pinned commit."""
    if "basicsr.archs.discriminator_arch" in sys.modules:
        mods = [sys.modules["basicsr.archs." + m] for m in ("srresnet_arch", "rrdbnet_arch", "srvgg_arch",
                                                            "discriminator_arch")]
    else:
        repo, commit = BASICSR
        _module("basicsr").__path__ = []
        _module("basicsr.utils", get_root_logger=lambda *a, **k: None).__path__ = []
        _module("basicsr.utils.registry", ARCH_REGISTRY=_Registry())
        _module("basicsr.ops").__path__ = []
        _module("basicsr.ops.dcn", ModulatedDeformConvPack=_Unavailable, modulated_deform_conv=_Unavailable)
        _module("basicsr.archs").__path__ = []
        if "torchvision" not in sys.modules:
            _module("torchvision")
        _module("distutils").__path__ = []
        _module("distutils.version", LooseVersion=lambda v: v)
        _load("basicsr.archs.arch_util", source(repo, commit, "basicsr/archs/arch_util.py"), "basicsr.archs")
        mods = [_load("basicsr.archs." + m, source(repo, commit, f"basicsr/archs/{m}.py"), "basicsr.archs")
                for m in ("srresnet_arch", "rrdbnet_arch", "srvgg_arch", "discriminator_arch")]
    names = {}
    for m in mods:
        names.update({k: v for k, v in vars(m).items() if isinstance(v, type)})
    return types.SimpleNamespace(**names)
