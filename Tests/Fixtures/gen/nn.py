"""MorphNN fixtures: optimizer steps, LR schedules, state-dict key order and layer parity.

Every value comes from real PyTorch (torch.optim, torch.optim.lr_scheduler, torch.nn).
"""
import json

import torch
import torch.nn as nn
from torch.optim import lr_scheduler

from ._common import save, seeded


def _optimizer_case(folder, name, make, steps=4, seed=0):
    g = seeded(seed)
    p0 = torch.randn(3, 4, generator=g).requires_grad_()
    p1 = torch.randn(5, generator=g).requires_grad_()
    tensors = {"p0_init": p0.detach().clone(), "p1_init": p1.detach().clone()}
    opt, meta = make([p0, p1])
    for s in range(steps):
        g0 = torch.randn(3, 4, generator=g)
        g1 = torch.randn(5, generator=g)
        p0.grad = g0.clone()
        # parameter 1 has no gradient on step 1, so its step count lags (as in PyTorch)
        p1.grad = None if s == 1 else g1.clone()
        tensors[f"g0_{s}"] = g0
        if s != 1:
            tensors[f"g1_{s}"] = g1
        opt.step()
        tensors[f"p0_{s}"] = p0.detach().clone()
        tensors[f"p1_{s}"] = p1.detach().clone()
    save(folder, name, tensors, steps=steps, **meta)


def _optimizers(folder):
    def adam(lr, betas, eps, wd):
        def make(params):
            return (torch.optim.Adam(params, lr=lr, betas=betas, eps=eps, weight_decay=wd, foreach=False),
                    dict(kind="adam", lr=repr(lr), beta1=repr(betas[0]), beta2=repr(betas[1]), eps=repr(eps), wd=repr(wd)))
        return make

    def sgd(lr, momentum, wd, nesterov, dampening):
        def make(params):
            return (torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=wd, nesterov=nesterov,
                                    dampening=dampening, foreach=False),
                    dict(kind="sgd", lr=repr(lr), momentum=repr(momentum), wd=repr(wd),
                         nesterov=int(nesterov), dampening=repr(dampening)))
        return make

    _optimizer_case(folder, "nn_adam", adam(1e-2, (0.9, 0.999), 1e-8, 0.0), seed=1)
    _optimizer_case(folder, "nn_adam_wd", adam(2e-4, (0.5, 0.999), 1e-8, 0.05), seed=2)
    _optimizer_case(folder, "nn_sgd_plain", sgd(0.1, 0.0, 0.0, False, 0.0), seed=3)
    _optimizer_case(folder, "nn_sgd_momentum", sgd(0.05, 0.9, 1e-2, False, 0.1), seed=4)
    _optimizer_case(folder, "nn_sgd_nesterov", sgd(0.05, 0.9, 1e-3, True, 0.0), seed=5)


def _schedule_case(folder, name, build, epochs, metrics=None, base_lr=2e-4, **meta):
    """lr per epoch: entry 0 is after construction, entry e after e scheduler steps."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([p], lr=base_lr)
    sched = build(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for e in range(epochs):
        opt.step()  # no gradients: changes nothing, keeps PyTorch's call order
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
        lrs.append(opt.param_groups[0]["lr"])
    save(folder, name, {"lr": torch.tensor(lrs, dtype=torch.float64)}, lrs=json.dumps(lrs),
         metrics=json.dumps(metrics or []), base_lr=repr(base_lr), epochs=epochs, **meta)


def _schedules(folder):
    # The reference's networks.get_scheduler, verbatim formulas.
    def linear(n_epochs, n_epochs_decay, epoch_count):
        def build(opt):
            def lambda_rule(epoch):
                return 1.0 - max(0, epoch + epoch_count - n_epochs) / float(n_epochs_decay + 1)
            return lr_scheduler.LambdaLR(opt, lr_lambda=lambda_rule)
        return build

    _schedule_case(folder, "nn_sched_linear", linear(3, 4, 1), 10, n_epochs=3, n_epochs_decay=4, epoch_count=1)
    _schedule_case(folder, "nn_sched_linear_resumed", linear(5, 6, 3), 12, n_epochs=5, n_epochs_decay=6, epoch_count=3)
    _schedule_case(folder, "nn_sched_step", lambda opt: lr_scheduler.StepLR(opt, step_size=3, gamma=0.1), 10,
                   lr_decay_iters=3)
    _schedule_case(folder, "nn_sched_cosine", lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0), 13,
                   n_epochs=4)
    metrics = [1.0, 0.9, 0.895, 0.894, 0.893, 0.892, 0.891, 0.89, 0.5, 0.5, 0.499, 0.45, 0.46, 0.46, 0.46, 0.46,
               0.46, 0.46, 0.46, 0.46, 0.46, 0.46, 0.46, 0.46, 0.46]
    _schedule_case(folder, "nn_sched_plateau",
                   lambda opt: lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.2, threshold=0.01, patience=5),
                   len(metrics), metrics=metrics)


class _Block(nn.Module):
    """A module with own parameters, buffers and children, to pin state_dict order."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(2, 3, 3), nn.InstanceNorm2d(3), nn.ReLU(True),
                                  nn.Conv2d(3, 4, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(4),
                                  nn.LeakyReLU(0.2), nn.Dropout(0.5),
                                  nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
                                  nn.InstanceNorm2d(2, affine=True, track_running_stats=True), nn.PReLU(2),
                                  nn.Upsample(scale_factor=2), nn.Tanh())
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8, 3), nn.Sigmoid())


def _keys(folder):
    block = _Block()
    sd = block.state_dict()
    params = [k for k, _ in block.named_parameters()]
    buffers = [k for k, _ in block.named_buffers()]
    save(folder, "nn_keys", {"dummy": torch.zeros(1)},
         keys=json.dumps(list(sd.keys())), shapes=json.dumps([list(v.shape) for v in sd.values()]),
         parameters=json.dumps(params), buffers=json.dumps(buffers))


def _layer_case(folder, name, layer, x, train=True, steps=1, **meta):
    """Forward and backward of `layer` on `x` with loss sum(out * r); stores params, grads, buffers."""
    layer.train(train)
    g = seeded(99)
    tensors = {"x": x.detach().clone()}
    for k, v in layer.state_dict().items():
        tensors["init." + k] = v.detach().clone().float()
    # Run in float64 from the float32 values, so stored results are exact for them (and a bias that a
    # normalisation cancels has a gradient of zero, not float32 noise).
    layer.double()
    x = x.detach().clone().double().requires_grad_()
    for s in range(steps):
        out = layer(x)
        r = torch.randn(out.shape, generator=g)
        (out * r.double()).sum().backward()
        tensors[f"r{s}"] = r
        tensors[f"out{s}"] = out
    tensors["grad.x"] = x.grad
    for k, p in layer.named_parameters():
        tensors["grad." + k] = p.grad
    for k, v in layer.state_dict().items():
        tensors["final." + k] = v.detach().clone().float()
    save(folder, name, tensors, steps=steps, train=int(train), **meta)


def _layers(folder):
    torch.manual_seed(7)
    g = seeded(11)
    x = torch.randn(2, 3, 5, 6, generator=g)
    _layer_case(folder, "nn_layer_conv", nn.Conv2d(3, 4, 3, stride=2, padding=1), x)
    _layer_case(folder, "nn_layer_conv_nobias", nn.Conv2d(3, 2, 3, padding=2, dilation=2, bias=False), x)
    _layer_case(folder, "nn_layer_convtranspose", nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), x)
    bn = nn.BatchNorm2d(3, momentum=0.2)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(3, generator=g))
        bn.bias.copy_(torch.randn(3, generator=g))
    _layer_case(folder, "nn_layer_batchnorm_train", bn, x, steps=2)
    bn_eval = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn_eval.weight.copy_(torch.randn(3, generator=g))
        bn_eval.bias.copy_(torch.randn(3, generator=g))
        bn_eval.running_mean.copy_(torch.randn(3, generator=g))
        bn_eval.running_var.copy_(torch.rand(3, generator=g) + 0.5)
        bn_eval.num_batches_tracked.fill_(7)
    _layer_case(folder, "nn_layer_batchnorm_eval", bn_eval, x, train=False)
    inorm = nn.InstanceNorm2d(3)
    _layer_case(folder, "nn_layer_instancenorm", inorm, x)
    inorm_t = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    with torch.no_grad():
        inorm_t.weight.copy_(torch.randn(3, generator=g))
        inorm_t.bias.copy_(torch.randn(3, generator=g))
    _layer_case(folder, "nn_layer_instancenorm_track_train", inorm_t, x, steps=2)
    inorm_e = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    with torch.no_grad():
        inorm_e.weight.copy_(torch.randn(3, generator=g))
        inorm_e.bias.copy_(torch.randn(3, generator=g))
        inorm_e.running_mean.copy_(torch.randn(3, generator=g))
        inorm_e.running_var.copy_(torch.rand(3, generator=g) + 0.5)
    _layer_case(folder, "nn_layer_instancenorm_track_eval", inorm_e, x, train=False)
    prelu = nn.PReLU(3)
    with torch.no_grad():
        prelu.weight.copy_(torch.tensor([0.25, -0.1, 0.6]))
    _layer_case(folder, "nn_layer_prelu", prelu, x)
    _layer_case(folder, "nn_layer_linear", nn.Linear(6, 4), torch.randn(5, 6, generator=g))
    _layer_case(folder, "nn_layer_upsample_nearest", nn.Upsample(scale_factor=2, mode="nearest"), x)
    _layer_case(folder, "nn_layer_upsample_bilinear",
                nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), x)
    seq = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(3, 4, 3), nn.InstanceNorm2d(4), nn.ReLU(True),
                        nn.Conv2d(4, 2, 3, stride=2, padding=1), nn.LeakyReLU(0.2), nn.Tanh())
    _layer_case(folder, "nn_layer_sequential", seq, x)


def generate(folder):
    _optimizers(folder)
    _schedules(folder)
    _keys(folder)
    _layers(folder)
