"""Two hand-written zip checkpoints at the exact bound of a tensor view (MorphCheckpoint's storage bound check):
`ckpt_view_last_element.pth` views elements 1…3 of a 4-element storage (the last one included: must load) and
`ckpt_view_one_past.pth` views elements 1…4 (one past the end: must be refused). An off-by-one in the bound
passes the far-out `ckpt_huge_view.pth` but not these."""
import os
import struct
import zipfile

from gen.ckpt import _pickle_str


def _view_checkpoint(path, offset, size):
    tensor = (b"ctorch._utils\n_rebuild_tensor_v2\n((" + _pickle_str("storage") + b"ctorch\nFloatStorage\n"
              + _pickle_str("0") + _pickle_str("cpu") + b"K\x04tQ" + b"K" + bytes([offset]) + b"K" + bytes([size])
              + b"\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(zipfile.ZipInfo("archive/data.pkl", (2020, 1, 1, 0, 0, 0)),
                   b"\x80\x02}" + _pickle_str("view") + tensor + b"s.")
        z.writestr(zipfile.ZipInfo("archive/data/0", (2020, 1, 1, 0, 0, 0)), struct.pack("<4f", 1, 2, 3, 4))


def generate(folder):
    _view_checkpoint(os.path.join(folder, "ckpt_view_last_element.pth"), offset=1, size=3)
    _view_checkpoint(os.path.join(folder, "ckpt_view_one_past.pth"), offset=1, size=4)
