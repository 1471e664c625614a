"""Parity fixtures for MorphTensor's non-convolution ops (group "ops").

Every case stores the input `x`, parameters, the output `out`, a fixed random
`r`, and the gradients of loss = (out * r).sum() with respect to the input
(`grad_x`) and every parameter (`grad_weight`, `grad_bias`, ...).
Op arguments are string metadata.
"""
import torch
import torch.nn.functional as F

from ._common import save, seeded


def _randn(g, *shape, scale=1.0, shift=0.0):
    return torch.randn(*shape, generator=g) * scale + shift


def _backward(out, g, leaves):
    """Backpropagates (out * r).sum() with a fresh r; returns r and the leaves' grads."""
    r = _randn(g, *out.shape)
    (out * r).sum().backward()
    return r, [leaf.grad for leaf in leaves]


def _unary(folder, name, fn, shapes, seed, scale=3.0, first=0, **meta):
    for i, shape in enumerate(shapes, start=first):
        g = seeded(seed + i)
        x = _randn(g, *shape, scale=scale).requires_grad_()
        out = fn(x)
        r, (gx,) = _backward(out, g, [x])
        save(folder, f"ops_{name}_{i}", {"x": x, "out": out, "r": r, "grad_x": gx}, **meta)


def _padding(folder):
    cases = {
        "zeros": [((2, 3, 5, 7), (1, 2, 3, 0)), ((1, 2, 4, 3), (2, 1, 0, 3))],
        "reflect": [((2, 3, 5, 7), (3, 2, 4, 1)), ((1, 2, 4, 3), (2, 2, 3, 3))],
        "replicate": [((2, 3, 5, 7), (1, 3, 2, 0)), ((1, 2, 4, 3), (4, 1, 2, 5))],
    }
    torch_mode = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate"}
    for mode, items in cases.items():
        for i, (shape, (left, right, top, bottom)) in enumerate(items):
            g = seeded(100 + i)
            x = _randn(g, *shape).requires_grad_()
            out = F.pad(x, (left, right, top, bottom), mode=torch_mode[mode])
            r, (gx,) = _backward(out, g, [x])
            save(folder, f"ops_pad_{mode}_{i}", {"x": x, "out": out, "r": r, "grad_x": gx},
                 left=left, right=right, top=top, bottom=bottom, mode=mode)


def _instance_norm(folder):
    for i, (shape, affine, shift) in enumerate([((2, 3, 5, 7), True, 10.0), ((2, 4, 3, 3), False, 0.0),
                                                 ((1, 2, 1, 9), True, -3.0)]):
        g = seeded(200 + i)
        x = _randn(g, *shape, scale=2.0, shift=shift).requires_grad_()
        c = shape[1]
        w = _randn(g, c, scale=0.5, shift=1.0).requires_grad_() if affine else None
        b = _randn(g, c).requires_grad_() if affine else None
        out = F.instance_norm(x, weight=w, bias=b, eps=1e-5)
        leaves = [x] + ([w, b] if affine else [])
        r, grads = _backward(out, g, leaves)
        tensors = {"x": x, "out": out, "r": r, "grad_x": grads[0]}
        if affine:
            tensors.update(weight=w, bias=b, grad_weight=grads[1], grad_bias=grads[2])
        save(folder, f"ops_instance_norm_{i}", tensors, eps=1e-5, affine=int(affine))

    # Given statistics (tiled inference): mean and variance are constants.
    for i, (shape, affine) in enumerate([((2, 3, 5, 7), True), ((1, 2, 4, 6), False)]):
        g = seeded(250 + i)
        x = _randn(g, *shape, scale=2.0, shift=1.0).requires_grad_()
        n, c = shape[0], shape[1]
        mean = _randn(g, n, c)
        var = torch.rand(n, c, generator=g) * 3 + 0.1
        w = _randn(g, c, scale=0.5, shift=1.0).requires_grad_() if affine else None
        b = _randn(g, c).requires_grad_() if affine else None
        y = (x - mean[:, :, None, None]) / torch.sqrt(var[:, :, None, None] + 1e-5)
        out = y * w[None, :, None, None] + b[None, :, None, None] if affine else y
        leaves = [x] + ([w, b] if affine else [])
        r, grads = _backward(out, g, leaves)
        tensors = {"x": x, "mean": mean, "var": var, "out": out, "r": r, "grad_x": grads[0]}
        if affine:
            tensors.update(weight=w, bias=b, grad_weight=grads[1], grad_bias=grads[2])
        save(folder, f"ops_instance_norm_stats_{i}", tensors, eps=1e-5, affine=int(affine))


def _batch_norm(folder):
    cases = [  # shape, affine, running stats, training
        ((2, 3, 5, 7), True, True, True),
        ((2, 4, 3, 3), False, True, True),
        ((2, 3, 4, 5), True, False, True),
        ((2, 3, 5, 7), True, True, False),
        ((1, 2, 3, 4), False, True, False),
    ]
    for i, (shape, affine, running, training) in enumerate(cases):
        g = seeded(300 + i)
        c = shape[1]
        x = _randn(g, *shape, scale=2.0, shift=0.5).requires_grad_()
        w = _randn(g, c, scale=0.5, shift=1.0).requires_grad_() if affine else None
        b = _randn(g, c).requires_grad_() if affine else None
        rm = _randn(g, c, scale=0.3) if running else None
        rv = (torch.rand(c, generator=g) + 0.5) if running else None
        rm_before = rm.clone() if running else None
        rv_before = rv.clone() if running else None
        out = F.batch_norm(x, rm, rv, weight=w, bias=b, training=training, momentum=0.1, eps=1e-5)
        leaves = [x] + ([w, b] if affine else [])
        r, grads = _backward(out, g, leaves)
        tensors = {"x": x, "out": out, "r": r, "grad_x": grads[0]}
        if affine:
            tensors.update(weight=w, bias=b, grad_weight=grads[1], grad_bias=grads[2])
        if running:
            tensors.update(running_mean=rm_before, running_var=rv_before,
                           running_mean_after=rm, running_var_after=rv)
        kind = "train" if training else "eval"
        save(folder, f"ops_batch_norm_{kind}_{i}", tensors, eps=1e-5, momentum=0.1,
             affine=int(affine), running=int(running), training=int(training))


def _prelu(folder):
    for i, (shape, nw) in enumerate([((2, 3, 5, 7), 3), ((2, 4, 3, 3), 1)]):
        g = seeded(400 + i)
        x = _randn(g, *shape, scale=2.0).requires_grad_()
        w = _randn(g, nw, scale=0.1, shift=0.25).requires_grad_()
        out = F.prelu(x, w)
        r, (gx, gw) = _backward(out, g, [x, w])
        save(folder, f"ops_prelu_{i}", {"x": x, "weight": w, "out": out, "r": r, "grad_x": gx, "grad_weight": gw})


def _nan_rectifiers(folder):
    """ReLU and LeakyReLU on inputs holding NaN (in a 16-lane block and in the tail of 38 values), ±0 and negatives:
    PyTorch passes NaN through both forwards; ReLU's gradient at NaN is r (it tests the result against 0),
    LeakyReLU's is slope · r."""
    for name, op in [("relu", F.relu), ("leaky_relu", lambda x: F.leaky_relu(x, 0.2))]:
        g = seeded(840)
        x = _randn(g, 2, 19, scale=2.0)
        for i in (3, 17, 36):
            x[i // 19, i % 19] = float("nan")
        x[0, 5], x[1, 2] = -0.0, 0.0
        x.requires_grad_()
        out = op(x)
        r, (gx,) = _backward(out, g, [x])
        save(folder, f"ops_nan_{name}", {"x": x, "out": out, "r": r, "grad_x": gx})


def _resample(folder):
    for i, (shape, s) in enumerate([((2, 3, 5, 7), 2), ((1, 2, 3, 4), 3)]):
        _unary(folder, "upsample_nearest", lambda x, s=s: F.interpolate(x, scale_factor=s, mode="nearest"),
               [shape], 500, scale=1.0, first=i, scale_factor=s)
    for i, (shape, s) in enumerate([((2, 3, 5, 7), 2), ((2, 2, 3, 4), 3), ((1, 1, 1, 2), 4)]):
        _unary(folder, "upsample_bilinear",
               lambda x, s=s: F.interpolate(x, scale_factor=s, mode="bilinear", align_corners=False),
               [shape], 510, scale=1.0, first=i, scale_factor=s)
    for i, (shape, size) in enumerate([((2, 3, 5, 7), (11, 4)), ((1, 2, 4, 4), (9, 13))]):
        _unary(folder, "resize_bilinear",
               lambda x, size=size: F.interpolate(x, size=size, mode="bilinear", align_corners=False),
               [shape], 520, scale=1.0, first=i, height=size[0], width=size[1])
    for i, (shape, rr) in enumerate([((2, 12, 3, 5), 2), ((1, 18, 2, 3), 3)]):
        _unary(folder, "pixel_shuffle", lambda x, rr=rr: F.pixel_shuffle(x, rr), [shape], 530, first=i, factor=rr)
    for i, (shape, rr) in enumerate([((2, 3, 6, 10), 2), ((1, 2, 9, 6), 3)]):
        _unary(folder, "pixel_unshuffle", lambda x, rr=rr: F.pixel_unshuffle(x, rr), [shape], 540, first=i, factor=rr)


def _pool(folder):
    cases = [((2, 3, 7, 9), 3, 2, 1), ((2, 3, 8, 8), 2, None, 0), ((1, 2, 7, 5), 3, 1, 0), ((2, 2, 9, 10), 4, 3, 2)]
    for i, (shape, k, s, p) in enumerate(cases):
        meta = {"kernel": k, "padding": p}
        if s is not None:
            meta["stride"] = s
        _unary(folder, "avg_pool",
               lambda x, k=k, s=s, p=p: F.avg_pool2d(x, k, stride=s, padding=p, count_include_pad=True),
               [shape], 600, scale=1.0, first=i, **meta)
    max_cases = [((2, 3, 7, 9), 3, 2, 1), ((2, 3, 8, 8), 2, None, 0), ((1, 2, 7, 5), 3, 1, 0), ((1, 4, 9, 10), 4, 3, 2)]
    for i, (shape, k, s, p) in enumerate(max_cases):
        meta = {"kernel": k, "padding": p}
        if s is not None:
            meta["stride"] = s
        _unary(folder, "max_pool", lambda x, k=k, s=s, p=p: F.max_pool2d(x, k, stride=s, padding=p),
               [shape], 610, scale=1.0, first=i, **meta)


def _losses(folder):
    fns = {"l1": F.l1_loss, "mse": F.mse_loss, "bce_logits": F.binary_cross_entropy_with_logits}
    for name, fn in fns.items():
        for i, shape in enumerate([(2, 3, 5, 7), (1, 1, 3, 4)]):
            g = seeded(700 + i)
            if name == "bce_logits":
                x = _randn(g, *shape, scale=4.0)
                y = torch.rand(*shape, generator=g)
                if i == 1:
                    x = x * 10  # large logits check stability
            else:
                x = _randn(g, *shape)
                y = _randn(g, *shape)
            x.requires_grad_()
            y.requires_grad_()
            out = fn(x, y)
            out.backward()
            save(folder, f"ops_loss_{name}_{i}", {"x": x, "y": y, "out": out, "grad_x": x.grad, "grad_y": y.grad})


def generate(folder):
    """Writes every ops_*.safetensors fixture into `folder`."""
    _padding(folder)
    _instance_norm(folder)
    _batch_norm(folder)
    _unary(folder, "relu", F.relu, [(2, 3, 5, 7), (2, 1, 4, 3)], 800)
    _unary(folder, "leaky_relu", lambda x: F.leaky_relu(x, 0.2), [(2, 3, 5, 7), (2, 1, 4, 3)], 810, slope=0.2)
    _unary(folder, "tanh", torch.tanh, [(2, 3, 5, 7), (2, 1, 4, 3)], 820)
    _unary(folder, "sigmoid", torch.sigmoid, [(2, 3, 5, 7), (2, 1, 4, 3)], 830, scale=6.0)
    _prelu(folder)
    _nan_rectifiers(folder)
    _resample(folder)
    _pool(folder)
    _losses(folder)
