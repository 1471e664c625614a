"""Hostile inputs for Morph's loaders (issue 13): each is small on disk and declares something
impossible or huge. They are written by hand (no torch needed) into Fixtures/hostile/; the tests
expect a clean one-line error for each, never a crash, and the fuzz harnesses use them as seeds.
"""
import json
import math
import os
import struct
import zipfile
import zlib

from gen.ckpt import _legacy_header, _pickle_str


def _int(v):
    """A pickle integer of any size (LONG1)."""
    if 0 <= v < 256:
        return b"K" + bytes([v])
    n = (v.bit_length() + 8) // 8
    return b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True)


def _tuple(items):
    return b"(" + b"".join(items) + b"t"


def _tensor(key, count, offset, shape, stride, dtype=b"FloatStorage"):
    """`_rebuild_tensor_v2((storage...), offset, shape, stride, False, OrderedDict())`."""
    pid = _tuple([_pickle_str("storage"), b"ctorch\n" + dtype + b"\n", _pickle_str(key), _pickle_str("cpu"), _int(count)])
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + pid + b"Q" + _int(offset)
            + _tuple([_int(s) for s in shape]) + _tuple([_int(s) for s in stride])
            + b"\x89ccollections\nOrderedDict\n)RtR")


def _state_dict(entries):
    """An OrderedDict of (name, pickled tensor) pairs, then STOP."""
    body = b"".join(_pickle_str(k) + v for k, v in entries)
    return b"\x80\x02ccollections\nOrderedDict\n)R(" + body + b"u."


def _zip(path, pickle, storages, compress=False):
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", mode) as z:
        z.writestr("archive/data.pkl", pickle)
        z.writestr("archive/byteorder", "little")
        for key, data in storages.items():
            z.writestr("archive/data/" + key, data)


def _legacy(path, pickle, storages):
    """The legacy layout: header pickles, the object pickle, the key list, then each storage."""
    keys = b"\x80\x02" + b"(" + b"".join(_pickle_str(k) for k in storages) + b"l."
    out = _legacy_header() + pickle + keys
    for data in storages.values():
        out += struct.pack("<Q", len(data) // 4) + data
    with open(path, "wb") as f:
        f.write(out)


def _safetensors(path, header_json, body):
    h = header_json.encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + body)


def _zip64_huge_entry(path):
    """A stored zip whose storage entry declares 2^43 bytes through a ZIP64 extra field."""
    pkl = _state_dict([("w", _tensor("0", (1 << 40) - 1, 0, [(1 << 40) - 1], [1]))])
    _zip(path, pkl, {"0": b"\x00" * 16})
    data = bytearray(open(path, "rb").read())
    name = b"archive/data/0"
    huge = 1 << 43
    # Patch the central directory record of data/0: sizes 0xFFFFFFFF and a ZIP64 extra field.
    cd = data.find(b"PK\x01\x02")
    while cd >= 0:
        n_len = struct.unpack_from("<H", data, cd + 28)[0]
        if bytes(data[cd + 46:cd + 46 + n_len]) == name:
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    e_len, c_len = struct.unpack_from("<HH", data, cd + 30)
    extra = struct.pack("<HHQQ", 1, 16, huge, 16)
    struct.pack_into("<II", data, cd + 20, 0xFFFFFFFF, 0xFFFFFFFF)
    struct.pack_into("<H", data, cd + 30, e_len + len(extra))
    insert_at = cd + 46 + n_len + e_len
    data[insert_at:insert_at] = extra
    # The end-of-central-directory offset stays valid (the record grew after its start); fix its size.
    eocd = data.rfind(b"PK\x05\x06")
    size, = struct.unpack_from("<I", data, eocd + 12)
    struct.pack_into("<I", data, eocd + 12, size + len(extra))
    with open(path, "wb") as f:
        f.write(bytes(data))


def generate(folder):
    out = os.path.join(folder, "hostile")
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    four = struct.pack("<4f", 1, 2, 3, 4)
    # 1. A storage offset near 2^63: offset + extent wraps in unchecked arithmetic.
    wrap = _state_dict([("w", _tensor("0", 4, (1 << 63) - 2, [4], [1]))])
    _zip(p("offset_wrap_zip.pth"), wrap, {"0": four})
    _legacy(p("offset_wrap_legacy.pth"), wrap, {"0": four})
    # A stride whose (size-1)*stride product wraps to a small number.
    _zip(p("stride_wrap.pth"), _state_dict([("w", _tensor("0", 4, 0, [3, 2], [1 << 62, 1 << 62]))]), {"0": four})
    # A negative stride.
    _zip(p("stride_negative.pth"), _state_dict([("w", _tensor("0", 4, 3, [4], [-1]))]), {"0": four})
    # 2. A ZIP64 entry declaring 2^43 bytes.
    _zip64_huge_entry(p("zip64_huge_entry.pth"))
    # 3. A stride-0 tensor of shape [2^20, 2^19] over one stored float.
    _zip(p("stride0_huge.pth"), _state_dict([("w", _tensor("0", 1, 0, [1 << 20, 1 << 19], [0, 0]))]), {"0": four[:4]})
    # A modest stride-0 expansion (64M values from 4 bytes): refused too.
    _zip(p("stride0_expand.pth"), _state_dict([("w", _tensor("0", 1, 0, [8192, 8192], [0, 0]))]), {"0": four[:4]})
    # 4. data.pkl of 128 MiB of EMPTY_LIST, deflated to ~130 KB.
    with zipfile.ZipFile(p("empty_list_bomb.pth"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("archive/data.pkl", b"\x80\x02" + b"]" * (128 << 20))
    # A deflate bomb as a storage: 1 GiB of zeros for 2^28 floats, ~1 MB compressed... kept smaller:
    # 256 MiB of zeros (~256 KB deflated) viewed by one tensor.
    with zipfile.ZipFile(p("deflate_bomb_storage.pth"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("archive/data.pkl", _state_dict([("w", _tensor("0", 1 << 26, 0, [1 << 26], [1]))]))
        z.writestr("archive/data/0", bytes(256 << 20))
    # 5. Many tensors viewing one shared 1M-float storage (4 MiB of zeros, deflated to ~4 KB).
    views = [("w%d" % i, _tensor("0", 1 << 20, 0, [1 << 20], [1])) for i in range(400)]
    _zip(p("shared_storage_many.pth"), _state_dict(views), {"0": bytes(4 << 20)}, compress=True)
    # Overlapping safetensors ranges: 300 tensors naming the same 64 KiB.
    entries = ",".join('"t%d":{"dtype":"F32","shape":[16384],"data_offsets":[0,65536]}' % i for i in range(300))
    _safetensors(p("overlap.safetensors"), "{" + entries + "}", bytes(65536))
    # 6. Duplicate keys.
    dup = _state_dict([("w", _tensor("0", 4, 0, [4], [1])), ("w", _tensor("0", 4, 0, [2], [1]))])
    _zip(p("duplicate_key.pth"), dup, {"0": four})
    _safetensors(p("duplicate_key.safetensors"),
                 '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},'
                 '"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', four)
    # Safetensors numbers that do not fit an Int, and a deeply nested header.
    _safetensors(p("huge_numbers.safetensors"),
                 '{"w":{"dtype":"F32","shape":[1e300,-5],"data_offsets":[0,18446744073709551615]}}', four)
    _safetensors(p("deep_header.safetensors"), '{"a":' + "[" * 5000 + "]" * 5000 + "}", b"")
    # A tiny file whose morph.* metadata names a gigantic architecture (RRDBNet, 4096 features x 512 blocks,
    # ~800 G parameters): refused from the options before the network is built.
    huge_arch = json.dumps({"morph.arch": "rrdbnet", "morph.options": '{"num_block":512,"num_feat":4096}',
                            "morph.scale": "4"})
    _safetensors(p("huge_architecture.safetensors"),
                 '{"__metadata__":' + huge_arch + ',"conv_first.weight":{"dtype":"F32","shape":[1],'
                 '"data_offsets":[0,4]}}', four[:4])
    # Found by the arch fuzzer: an SRVGG-shaped file whose first conv has 0 input channels (a zero-size tensor
    # holds no bytes) made detection divide by zero.
    entries, offset = [], 0
    for key, shape in [("body.0.weight", [4, 0, 3, 3]), ("body.0.bias", [4]), ("body.1.weight", [4]),
                       ("body.2.weight", [12, 4, 3, 3]), ("body.2.bias", [12])]:
        size = 4 * math.prod(shape)
        entries.append('"%s":{"dtype":"F32","shape":%s,"data_offsets":[%d,%d]}' % (key, json.dumps(shape), offset, offset + size))
        offset += size
    _safetensors(p("zero_channel_srvgg.safetensors"), "{" + ",".join(entries) + "}", bytes(offset))
    # 7. A recipe nested 10,000 levels deep.
    with open(p("deep_recipe.yaml"), "w") as f:
        f.write("task: upscale\nmodel: x\noptions: " + "[" * 10000 + "]" * 10000 + "\n")
    with open(p("deep_block_recipe.yaml"), "w") as f:
        f.write("task: upscale\nmodel: x\noptions:\n  " + "- " * 10000 + "x\n")
    # 8. Legacy: a storage count near 2^64, and a view offset that wraps.
    with open(p("legacy_huge_count.pth"), "wb") as f:
        f.write(_legacy_header() + _state_dict([("w", _tensor("0", 4, 0, [4], [1]))])
                + b"\x80\x02(" + _pickle_str("0") + b"l." + struct.pack("<Q", (1 << 64) - 1) + four)
