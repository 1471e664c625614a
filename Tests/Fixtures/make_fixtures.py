#!/usr/bin/env python3
"""Writes Morph's parity fixtures with real PyTorch.

Each generator module in gen/ writes small safetensors files into this folder:
inputs, parameters, outputs and gradients, with op arguments in the
safetensors metadata. Run from anywhere:

    pip install torch numpy safetensors
    python3 Tests/Fixtures/make_fixtures.py            # all groups
    python3 Tests/Fixtures/make_fixtures.py ops conv   # chosen groups

CI never runs this: the fixtures it writes are committed.
"""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

GROUPS = [name[:-3] for name in sorted(os.listdir(os.path.join(HERE, "gen")))
          if name.endswith(".py") and not name.startswith("_")]


def main(argv):
    import torch
    torch.set_num_threads(1)
    chosen = argv or GROUPS
    for group in chosen:
        module = importlib.import_module("gen." + group)
        module.generate(HERE)
        print("wrote", group)


if __name__ == "__main__":
    main(sys.argv[1:])
