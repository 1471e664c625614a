"""Hand-written zip checkpoints at the exact bounds of MorphCheckpoint's storage checks. An off-by-one in a bound
passes the far-out `ckpt_huge_view.pth` but not these.

Tensor views (`_rebuild_tensor_v2` offset and size): `ckpt_view_last_element.pth` views elements 1…3 of a 4-element
storage (the last one included: must load), `ckpt_view_one_past.pth` elements 1…4 (one past the end: refused).
Storage views (the legacy persistent id's sixth item, (view key, offset, size)): `ckpt_storage_view_last_element.pth`
is elements 1…3 of the 4-element root storage, `ckpt_storage_view_one_past.pth` elements 1…4."""
import os
import struct
import zipfile

from gen.ckpt import _pickle_str


def _view_checkpoint(path, offset, size, storage_view=None):
    view = b"" if storage_view is None else (b"(" + _pickle_str("v") + b"K" + bytes([storage_view[0]]) + b"K"
                                             + bytes([storage_view[1]]) + b"t")
    tensor = (b"ctorch._utils\n_rebuild_tensor_v2\n((" + _pickle_str("storage") + b"ctorch\nFloatStorage\n"
              + _pickle_str("0") + _pickle_str("cpu") + b"K\x04" + view + b"tQ" + b"K" + bytes([offset]) + b"K" + bytes([size])
              + b"\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(zipfile.ZipInfo("archive/data.pkl", (2020, 1, 1, 0, 0, 0)),
                   b"\x80\x02}" + _pickle_str("view") + tensor + b"s.")
        z.writestr(zipfile.ZipInfo("archive/data/0", (2020, 1, 1, 0, 0, 0)), struct.pack("<4f", 1, 2, 3, 4))


def generate(folder):
    _view_checkpoint(os.path.join(folder, "ckpt_view_last_element.pth"), offset=1, size=3)
    _view_checkpoint(os.path.join(folder, "ckpt_view_one_past.pth"), offset=1, size=4)
    _view_checkpoint(os.path.join(folder, "ckpt_storage_view_last_element.pth"), offset=0, size=3, storage_view=(1, 3))
    _view_checkpoint(os.path.join(folder, "ckpt_storage_view_one_past.pth"), offset=0, size=3, storage_view=(1, 4))
