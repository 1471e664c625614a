#!/usr/bin/env python3
"""How far PyTorch's own float32 training steps land from the float64 step fixtures.

The step fixtures (gen/srtrain.py, gen/train.py, …) run PyTorch in float64; Morph's step tests compare Morph's
float32 gradients with them within 1e-4 relative plus 1e-5 of each gradient's largest element. This script reruns a
generator module in float32 (its `.double()` calls made no-ops), compares every `grad.*` tensor with the committed
fixture under that same tolerance, and prints the worst ratio |error| / tolerance per fixture and parameter. A ratio
above 1 means float32 itself cannot meet 1e-4 there, so a Morph test may need a wider relative tolerance for that
fixture. Run from anywhere, with torch, numpy and safetensors installed:

    python3 Tests/Fixtures/float32_margins.py srtrain
"""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main(group):
    import torch
    from safetensors.torch import load_file
    torch.set_num_threads(1)
    module = importlib.import_module("gen." + group)
    captured = {}
    module.save = lambda folder, name, tensors, **meta: captured.__setitem__(name, tensors)
    torch.nn.Module.double = lambda self: self
    torch.Tensor.double = lambda self: self
    module.generate(HERE)
    for name, tensors in captured.items():
        stored = load_file(os.path.join(HERE, name + ".safetensors"))
        ratios = []
        for key, value in tensors.items():
            if not key.startswith("grad.") or value is None or key not in stored:
                continue
            exact, actual = stored[key].double(), value.detach().double()
            tolerance = 1e-4 * exact.abs() + 1e-5 * exact.abs().max()
            ratios.append((((actual - exact).abs() / tolerance).max().item(), key))
        for ratio, key in sorted(ratios, reverse=True)[:3]:
            print(f"{name:40s} {key:40s} {ratio:8.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "srtrain")
