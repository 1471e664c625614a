"""Parity fixtures for MorphTrain: one full training step of CycleGAN and one of pix2pix.

Tiny networks (ngf = ndf = 4, a 1-block ResNet generator, a 5-down U-Net, 3-layer PatchGAN
discriminators at 32x32) are built with the reference architectures of gen/models.py and
initialised with the reference's init_weights (normal, gain 0.02). The float32 initial weights and
inputs are then run in float64 through the reference's exact `optimize_parameters`
(pytorch-CycleGAN-and-pix2pix cycle_gan_model.py / pix2pix_model.py), with image pools of size 0
(the pool returns its input), so the stored losses, gradients and updated weights are exact.

File layout of `train_<case>`:
  init.<net>.<key>   state dict of each network before the step (float32)
  real_A, real_B     the inputs, [1, 3, 32, 32] in [-1, 1]
  loss.<name>        every loss, as a 1-element tensor
  grad.<net>.<key>   gradient of each parameter at its optimizer's step
  after.<net>.<key>  state dict after the step (parameters and buffers)
Metadata: nets (JSON {net: [registry arch, options]}), options (JSON training options).
"""
import functools
import json

import torch
import torch.nn as nn

from gen._common import save
from gen.models import NLayerDiscriminator, PixelDiscriminator, ResnetGenerator, UnetGenerator


def init_weights(net, gain=0.02):
    """The reference's networks.init_weights with init_type 'normal'."""
    def init_func(m):
        name = m.__class__.__name__
        if hasattr(m, "weight") and (name.find("Conv") != -1 or name.find("Linear") != -1):
            nn.init.normal_(m.weight.data, 0.0, gain)
            if hasattr(m, "bias") and m.bias is not None:
                nn.init.constant_(m.bias.data, 0.0)
        elif name.find("BatchNorm2d") != -1:
            nn.init.normal_(m.weight.data, 1.0, gain)
            nn.init.constant_(m.bias.data, 0.0)
    net.apply(init_func)


class GANLoss(nn.Module):
    """The reference's networks.GANLoss for lsgan and vanilla (target 1.0 real, 0.0 fake)."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.loss = nn.MSELoss() if mode == "lsgan" else nn.BCEWithLogitsLoss()

    def forward(self, prediction, target_is_real):
        target = torch.tensor(1.0 if target_is_real else 0.0, dtype=prediction.dtype).expand_as(prediction)
        return self.loss(prediction, target)


def set_requires_grad(nets, flag):
    for net in nets:
        for p in net.parameters():
            p.requires_grad = flag


def adam(params, lr, beta1):
    return torch.optim.Adam(params, lr=lr, betas=(beta1, 0.999), foreach=False)


def snapshot(tensors, prefix, nets):
    for name, net in nets.items():
        for k, v in net.state_dict().items():
            tensors[prefix + name + "." + k] = v.clone()


def grads(tensors, nets):
    for name, net in nets.items():
        for k, p in net.named_parameters():
            if p.grad is not None:
                tensors["grad." + name + "." + k] = p.grad.clone()


def cyclegan_step(G_A, G_B, D_A, D_B, opt_G, opt_D, real_A, real_B, gan, opt, pool_B=None, pool_A=None,
                  before_D_step=None):
    """The reference's CycleGANModel.optimize_parameters; pools are callables (identity when None)."""
    l1 = nn.L1Loss()
    # forward
    fake_B = G_A(real_A)
    rec_A = G_B(fake_B)
    fake_A = G_B(real_B)
    rec_B = G_A(fake_A)
    # G step, discriminators frozen
    set_requires_grad([D_A, D_B], False)
    opt_G.zero_grad()
    lam_A, lam_B, lam_idt = opt["lambda_A"], opt["lambda_B"], opt["lambda_identity"]
    if lam_idt > 0:
        loss_idt_A = l1(G_A(real_B), real_B) * lam_B * lam_idt
        loss_idt_B = l1(G_B(real_A), real_A) * lam_A * lam_idt
    else:
        loss_idt_A = loss_idt_B = torch.zeros((), dtype=real_A.dtype)
    loss_G_A = gan(D_A(fake_B), True)
    loss_G_B = gan(D_B(fake_A), True)
    loss_cycle_A = l1(rec_A, real_A) * lam_A
    loss_cycle_B = l1(rec_B, real_B) * lam_B
    loss_G = loss_G_A + loss_G_B + loss_cycle_A + loss_cycle_B + loss_idt_A + loss_idt_B
    loss_G.backward()
    opt_G.step()
    # D step on the pooled fakes
    set_requires_grad([D_A, D_B], True)
    opt_D.zero_grad()

    def backward_D_basic(netD, real, fake):
        loss_real = gan(netD(real), True)
        loss_fake = gan(netD(fake.detach()), False)
        loss = (loss_real + loss_fake) * 0.5
        loss.backward()
        return loss

    loss_D_A = backward_D_basic(D_A, real_B, pool_B(fake_B) if pool_B else fake_B)
    loss_D_B = backward_D_basic(D_B, real_A, pool_A(fake_A) if pool_A else fake_A)
    if before_D_step is not None:
        before_D_step()
    opt_D.step()
    return dict(D_A=loss_D_A, G_A=loss_G_A, cycle_A=loss_cycle_A, idt_A=loss_idt_A,
                D_B=loss_D_B, G_B=loss_G_B, cycle_B=loss_cycle_B, idt_B=loss_idt_B, G=loss_G)


def cyclegan_case(folder):
    torch.manual_seed(7)
    opt = dict(lambda_A=10.0, lambda_B=10.0, lambda_identity=0.5, lr=2e-4, beta1=0.5, gan_mode="lsgan")
    g_opts = dict(input_nc="3", output_nc="3", ngf="4", norm="instance", use_dropout="false", n_blocks="1")
    d_opts = dict(input_nc="3", ndf="4", norm="instance")
    nets = {"G_A": ResnetGenerator(3, 3, ngf=4, norm="instance", n_blocks=1),
            "G_B": ResnetGenerator(3, 3, ngf=4, norm="instance", n_blocks=1),
            "D_A": NLayerDiscriminator(3, ndf=4, n_layers=3, norm="instance"),
            "D_B": NLayerDiscriminator(3, ndf=4, n_layers=3, norm="instance")}
    for net in nets.values():
        init_weights(net)
    gen = torch.Generator().manual_seed(8)
    real_A = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    real_B = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    tensors = {"real_A": real_A, "real_B": real_B}
    snapshot(tensors, "init.", nets)
    for net in nets.values():
        net.double().train()
    G_A, G_B, D_A, D_B = nets["G_A"], nets["G_B"], nets["D_A"], nets["D_B"]
    real_A, real_B = real_A.double(), real_B.double()
    gan, l1 = GANLoss("lsgan"), nn.L1Loss()
    opt_G = adam(list(G_A.parameters()) + list(G_B.parameters()), opt["lr"], opt["beta1"])
    opt_D = adam(list(D_A.parameters()) + list(D_B.parameters()), opt["lr"], opt["beta1"])

    losses = cyclegan_step(G_A, G_B, D_A, D_B, opt_G, opt_D, real_A, real_B, gan, opt, before_D_step=lambda: grads(tensors, nets))
    snapshot(tensors, "after.", nets)
    for k, v in losses.items():
        tensors["loss." + k] = v.detach().reshape([1])
    # A second step on new images: Adam's moments and the updated weights carry over.
    real_A2 = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    real_B2 = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    tensors["step2.real_A"], tensors["step2.real_B"] = real_A2, real_B2
    second = {}
    losses2 = cyclegan_step(G_A, G_B, D_A, D_B, opt_G, opt_D, real_A2.double(), real_B2.double(), gan, opt,
                            before_D_step=lambda: grads(second, nets))
    add_second_step(tensors, second, losses2, nets)
    meta_nets = {"G_A": ["resnet_9blocks", g_opts], "G_B": ["resnet_9blocks", g_opts],
                 "D_A": ["basic", d_opts], "D_B": ["basic", d_opts]}
    save(folder, "train_cyclegan_step", tensors, nets=json.dumps(meta_nets, sort_keys=True),
         options=json.dumps(opt, sort_keys=True))


def pix2pix_step(G, D, opt_G, opt_D, real_A, real_B, gan, opt, record_grads):
    """The reference's Pix2PixModel.optimize_parameters: D step first, then G against the updated D."""
    l1 = nn.L1Loss()
    fake_B = G(real_A)
    set_requires_grad([D], True)
    opt_D.zero_grad()
    fake_AB = torch.cat((real_A, fake_B), 1)
    loss_D_fake = gan(D(fake_AB.detach()), False)
    real_AB = torch.cat((real_A, real_B), 1)
    loss_D_real = gan(D(real_AB), True)
    loss_D = (loss_D_fake + loss_D_real) * 0.5
    loss_D.backward()
    record_grads({"D": D})
    opt_D.step()
    set_requires_grad([D], False)
    opt_G.zero_grad()
    loss_G_GAN = gan(D(torch.cat((real_A, fake_B), 1)), True)
    loss_G_L1 = l1(fake_B, real_B) * opt["lambda_L1"]
    loss_G = loss_G_GAN + loss_G_L1
    loss_G.backward()
    record_grads({"G": G})
    opt_G.step()
    return dict(G_GAN=loss_G_GAN, G_L1=loss_G_L1, D_real=loss_D_real, D_fake=loss_D_fake, D=loss_D, G=loss_G)


def add_second_step(tensors, second, losses, nets):
    """Stores the second step's losses (loss2.*), gradients (grad2.*) and buffers (after2.*)."""
    for k, v in second.items():
        tensors["grad2." + k[len("grad."):]] = v
    for k, v in losses.items():
        tensors["loss2." + k] = v.detach().reshape([1])
    for name, net in nets.items():
        for k, b in net.named_buffers():
            tensors["after2." + name + "." + k] = b.clone()


def pix2pix_case(folder):
    torch.manual_seed(9)
    opt = dict(lambda_L1=100.0, lr=2e-4, beta1=0.5, gan_mode="vanilla")
    g_opts = dict(input_nc="3", output_nc="3", ngf="4", norm="batch", use_dropout="true", num_downs="5")
    d_opts = dict(input_nc="6", ndf="4", norm="batch")
    nets = {"G": UnetGenerator(3, 3, 5, ngf=4, norm="batch", use_dropout=True),
            "D": NLayerDiscriminator(6, ndf=4, n_layers=3, norm="batch")}
    for net in nets.values():
        init_weights(net)
    gen = torch.Generator().manual_seed(10)
    real_A = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    real_B = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    tensors = {"real_A": real_A, "real_B": real_B}
    snapshot(tensors, "init.", nets)
    for net in nets.values():
        net.double().train()
    G, D = nets["G"], nets["D"]
    real_A, real_B = real_A.double(), real_B.double()
    gan, l1 = GANLoss("vanilla"), nn.L1Loss()
    opt_G = adam(G.parameters(), opt["lr"], opt["beta1"])
    opt_D = adam(D.parameters(), opt["lr"], opt["beta1"])

    losses = pix2pix_step(G, D, opt_G, opt_D, real_A, real_B, gan, opt, lambda nets_: grads(tensors, nets_))
    snapshot(tensors, "after.", nets)
    for k, v in losses.items():
        tensors["loss." + k] = v.detach().reshape([1])
    real_A2 = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    real_B2 = torch.rand([1, 3, 32, 32], generator=gen) * 2 - 1
    tensors["step2.real_A"], tensors["step2.real_B"] = real_A2, real_B2
    second = {}
    losses2 = pix2pix_step(G, D, opt_G, opt_D, real_A2.double(), real_B2.double(), gan, opt,
                           lambda nets_: grads(second, nets_))
    add_second_step(tensors, second, losses2, nets)
    meta_nets = {"G": ["unet_256", g_opts], "D": ["basic", d_opts]}
    save(folder, "train_pix2pix_step", tensors, nets=json.dumps(meta_nets, sort_keys=True),
         options=json.dumps(opt, sort_keys=True))


def cal_gradient_penalty(netD, real_data, fake_data, alpha, constant=1.0, lambda_gp=10.0):
    """The reference's networks.cal_gradient_penalty, type 'mixed', with alpha given ([N, 1])."""
    alpha = alpha.expand(real_data.shape[0], real_data.nelement() // real_data.shape[0]).contiguous().view(
        *real_data.shape)
    interpolatesv = alpha * real_data + ((1 - alpha) * fake_data)
    interpolatesv.requires_grad_(True)
    disc_interpolates = netD(interpolatesv)
    gradients = torch.autograd.grad(outputs=disc_interpolates, inputs=interpolatesv,
                                    grad_outputs=torch.ones(disc_interpolates.size(), dtype=real_data.dtype),
                                    create_graph=True, retain_graph=True, only_inputs=True)
    gradients = gradients[0].view(real_data.size(0), -1)
    return (((gradients + 1e-16).norm(2, dim=1) - constant) ** 2).mean() * lambda_gp


def penalty_case(folder, name, net, arch, options, channels, size, seed):
    """The gradient penalty of one discriminator on a batch of 2, its parameter gradients and buffers."""
    torch.manual_seed(seed)
    init_weights(net)
    gen = torch.Generator().manual_seed(seed + 1)
    real = torch.rand([2, channels, size, size], generator=gen) * 2 - 1
    fake = torch.rand([2, channels, size, size], generator=gen) * 2 - 1
    alpha = torch.rand([2, 1], generator=gen)
    tensors = {"real": real, "fake": fake, "alpha": alpha.reshape([2])}
    for k, v in net.state_dict().items():
        tensors["init." + k] = v.clone()
    net.double().train()
    penalty = cal_gradient_penalty(net, real.double(), fake.double(), alpha.double())
    penalty.backward()
    tensors["penalty"] = penalty.detach().reshape([1])
    for k, p in net.named_parameters():
        # A parameter off the penalty's path (the last bias) has no gradient: zero, stored as such.
        tensors["grad." + k] = p.grad if p.grad is not None else torch.zeros_like(p)
    for k, b in net.named_buffers():
        tensors["after." + k] = b
    save(folder, "train_penalty_" + name, tensors, arch=arch, options=json.dumps(options, sort_keys=True))


def generate(folder):
    cyclegan_case(folder)
    pix2pix_case(folder)
    penalty_case(folder, "nlayer_instance", NLayerDiscriminator(3, ndf=4, n_layers=3, norm="instance"), "basic",
                 dict(input_nc="3", ndf="4", norm="instance"), 3, 32, 20)
    penalty_case(folder, "nlayer_batch", NLayerDiscriminator(6, ndf=4, n_layers=2, norm="batch"), "n_layers",
                 dict(input_nc="6", ndf="4", norm="batch", n_layers="2"), 6, 24, 21)
    penalty_case(folder, "pixel_none", PixelDiscriminator(3, ndf=4, norm="none"), "pixel",
                 dict(input_nc="3", ndf="4", norm="none"), 3, 8, 22)
