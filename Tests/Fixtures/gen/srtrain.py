"""Parity fixtures for MorphTrain's SR and inpainting trainers: one full training step of each.

`train_sr_step`: BasicSR's ESRGANModel.optimize_parameters (basicsr/models/esrgan_model.py) with a tiny
SRVGGNetCompact x4 generator (num_feat 8, num_conv 2) and a tiny VGGStyleDiscriminator (num_feat 4, input 128),
L1 pixel loss (weight 1e-2) and the relativistic average GAN (vanilla BCE on C(x_r) - E[C(x_f)], weight 5e-3),
Adam 2e-4 with betas (0.9, 0.99), then BasicSR's model_ema(0.999) of G's parameters.

`train_realesrgan_unet_step`: the vanilla step below on Real-ESRGAN's UNetDiscriminatorSN (num_feat 4, skip
connections; per-pixel logits averaged by BCE-with-logits), as RealESRGANModel trains it, batch 1.

`train_srgan_step`: the same with BasicSR's SRGANModel (vanilla GAN: BCE(D(output), real) for G; BCE(D(gt), real)
and BCE(D(output.detach()), fake) for D), batch 1.

`train_inpaint_step`: Morph's InpaintModel step on the pull-push input, G then D: mean |output - image| over the
hole pixels + 0.1 * (-mean D(composite, mask)),
then the SN-PatchGAN hinge loss mean(relu(1 - D(real, mask))) + mean(relu(1 + D(composite.detach(), mask))),
Adam 1e-4 with betas (0.5, 0.999), with a tiny GatedInpaintGenerator (cnum 4) and SNPatchDiscriminator
(num_feat 4, 3 layers).

`train_inpaint_ffc_step`: the same step with Morph's FFCInpaintGenerator (`--net-g ffc`: a small LaMa, ngf 4, two
downsamplings, one FFC block, ratio 0.75) in train mode, so its batch norms (Fourier units included) use batch
statistics and update their running ones; random weights and statistics as gen/models.perturb.

Weights and inputs are drawn in float32, then everything runs in float64. Layout as gen/train.py
(init.<net>.<key>, loss.<name>, grad.<net>.<key>, after.<net>.<key>) plus after_ema.G.<key> and the inputs
lq, gt (SR; [0, 1]) or image, mask (inpainting).
"""
import torch
import torch.nn.functional as F

from gen._common import save, scale_weights
from gen.inpaint import FFCInpaintGenerator, GatedInpaintGenerator, SNPatchDiscriminator, make_input
from gen.models import SRVGGNetCompact, UNetDiscriminatorSN, VGGStyleDiscriminator, perturb
from gen.train import grads, snapshot


def bce(pred, real):
    target = torch.full_like(pred, 1.0 if real else 0.0)
    return F.binary_cross_entropy_with_logits(pred, target)


def set_requires_grad(net, flag):
    for p in net.parameters():
        p.requires_grad = flag


def sr_case(folder, gan_type="ragan", fixture="train_sr_step", batch=2, discriminator="vgg", g_gain=1.0, d_gain=1.0):
    torch.manual_seed(710)
    net_g = SRVGGNetCompact(3, 3, num_feat=8, num_conv=2, upscale=4, act_type="prelu")
    if discriminator == "vgg":
        net_d = VGGStyleDiscriminator(3, 4, input_size=128)
    else:  # Real-ESRGAN's RealESRGANModel trains this one with the vanilla GAN
        net_d = UNetDiscriminatorSN(3, num_feat=4, skip_connection=True)
    with torch.no_grad():  # non-trivial PReLU slopes and BatchNorm affine parameters
        for name, p in list(net_g.named_parameters()) + list(net_d.named_parameters()):
            if p.dim() == 1:
                p.add_(torch.rand(p.shape) * 0.2 - 0.1)
    # Scaled so that every gradient is measurable (gen/_common.check_gradients): with PyTorch's default init,
    # G's gradients under the small loss weights and D's last bias under the relativistic loss fade below 1e-4.
    scale_weights(net_g, g_gain)
    scale_weights(net_d, d_gain)
    gen = torch.Generator().manual_seed(711)
    gt = torch.rand(batch, 3, 128, 128, generator=gen)
    lq = F.avg_pool2d(gt, 4) + torch.rand(batch, 3, 32, 32, generator=gen) * 0.05
    tensors = {"lq": lq, "gt": gt}
    nets = {"G": net_g, "D": net_d}
    snapshot(tensors, "init.", nets)
    for net in nets.values():
        net.double().train()
    lq, gt = lq.double(), gt.double()
    ema = {k: v.clone() for k, v in net_g.named_parameters()}
    opt_g = torch.optim.Adam(net_g.parameters(), lr=2e-4, betas=(0.9, 0.99), foreach=False)
    opt_d = torch.optim.Adam(net_d.parameters(), lr=2e-4, betas=(0.9, 0.99), foreach=False)
    pix_w, gan_w = 1e-2, 5e-3

    # optimize net_g
    set_requires_grad(net_d, False)
    opt_g.zero_grad()
    output = net_g(lq)
    l_pix = F.l1_loss(output, gt) * pix_w
    if gan_type == "ragan":  # ESRGANModel
        real_d_pred = net_d(gt).detach()
        fake_g_pred = net_d(output)
        l_g_real = bce(real_d_pred - torch.mean(fake_g_pred), False) * gan_w
        l_g_fake = bce(fake_g_pred - torch.mean(real_d_pred), True) * gan_w
        l_g_gan = (l_g_real + l_g_fake) / 2
    else:  # SRGANModel
        l_g_gan = bce(net_d(output), True) * gan_w
    (l_pix + l_g_gan).backward()
    opt_g.step()

    # optimize net_d
    set_requires_grad(net_d, True)
    opt_d.zero_grad()
    if gan_type == "ragan":
        fake_d_pred = net_d(output).detach()
        real_d_pred = net_d(gt)
        l_d_real = bce(real_d_pred - torch.mean(fake_d_pred), True) * 0.5
        l_d_real.backward()
        fake_d_pred = net_d(output.detach())
        l_d_fake = bce(fake_d_pred - torch.mean(real_d_pred.detach()), False) * 0.5
        l_d_fake.backward()
    else:
        l_d_real = bce(net_d(gt), True)
        l_d_real.backward()
        l_d_fake = bce(net_d(output.detach()), False)
        l_d_fake.backward()
    opt_d.step()

    with torch.no_grad():
        for k, p in net_g.named_parameters():
            ema[k].mul_(0.999).add_(p.data, alpha=0.001)
    for k, v in ema.items():
        tensors["after_ema.G." + k] = v
    for name, value in [("l_pix", l_pix), ("l_g_gan", l_g_gan), ("l_d_real", l_d_real), ("l_d_fake", l_d_fake)]:
        tensors["loss." + name] = value.reshape(1)
    grads(tensors, nets)
    snapshot(tensors, "after.", nets)
    save(folder, fixture, tensors)


def inpaint_case(folder, g_gain, ffc=False):
    torch.manual_seed(720)
    if ffc:
        net_g = FFCInpaintGenerator(ngf=4, n_downsampling=2, n_blocks=1)
        perturb(net_g, torch.Generator().manual_seed(722))
    else:
        net_g = GatedInpaintGenerator(cnum=4)
    # PyTorch's default init fades through 18 gated layers (each gate halves the signal) until the first
    # layers' gradients are ~1e-16; scaled up, every layer's gradient is measurable.
    scale_weights(net_g, g_gain)
    net_d = SNPatchDiscriminator(4, num_feat=4, num_layers=3)
    gen = torch.Generator().manual_seed(721)
    size = 32 if ffc else 24
    image = torch.rand(2, 3, size, size, generator=gen) * 2 - 1
    mask = torch.zeros(2, 1, size, size)
    mask[0, :, 4:14, 6:20] = 1
    mask[1, :, 10:22, 2:9] = 1
    tensors = {"image": image, "mask": mask}
    nets = {"G": net_g, "D": net_d}
    snapshot(tensors, "init.", nets)
    for net in nets.values():
        net.double().train()
    image, mask = image.double(), mask.double()
    opt_g = torch.optim.Adam(net_g.parameters(), lr=1e-4, betas=(0.5, 0.999), foreach=False)
    opt_d = torch.optim.Adam(net_d.parameters(), lr=1e-4, betas=(0.5, 0.999), foreach=False)

    output = net_g(make_input(image, mask))
    composite = output * mask + image * (1 - mask)
    set_requires_grad(net_d, False)
    opt_g.zero_grad()
    g_l1 = ((output - image).abs() * mask).sum() / (mask.sum() * 3) * 1.0
    g_gan = -torch.mean(net_d(torch.cat([composite, mask], dim=1))) * 0.1
    (g_l1 + g_gan).backward()
    opt_g.step()

    set_requires_grad(net_d, True)
    opt_d.zero_grad()
    d_real = torch.mean(F.relu(1 - net_d(torch.cat([image, mask], dim=1))))
    d_fake = torch.mean(F.relu(1 + net_d(torch.cat([composite.detach(), mask], dim=1))))
    (d_real + d_fake).backward()
    opt_d.step()

    for name, value in [("G_L1", g_l1), ("G_GAN", g_gan), ("D_real", d_real), ("D_fake", d_fake)]:
        tensors["loss." + name] = value.reshape(1)
    grads(tensors, nets)
    snapshot(tensors, "after.", nets)
    save(folder, "train_inpaint_ffc_step" if ffc else "train_inpaint_step", tensors)


def generate(folder):
    sr_case(folder, g_gain=2.0, d_gain=3.0)
    sr_case(folder, gan_type="vanilla", fixture="train_srgan_step", batch=1, g_gain=2.0)
    sr_case(folder, gan_type="vanilla", fixture="train_realesrgan_unet_step", batch=1, discriminator="unet",
            g_gain=2.5)
    inpaint_case(folder, g_gain=5.0)
    inpaint_case(folder, g_gain=1.0, ffc=True)
