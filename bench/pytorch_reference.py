#!/usr/bin/env python3
"""Times with PyTorch, on this machine, the work that `morph bench` times.

Prints one JSON object per line (name, seconds, gflops, threads) with PyTorch on `--threads N`
threads (default: MORPH_THREADS, else the CPUs this process may use), so `morph bench --pytorch`
can report vs_pytorch = Morph seconds / PyTorch seconds from one run on one machine, at the same
thread count. Needs torch only (no numpy, no safetensors). The model definitions are the fixture generator's (Tests/Fixtures/gen),
which reproduce the reference architectures' structure.

    python3 bench/pytorch_reference.py [--quick] [--filter TEXT] [--threads N]
    python3 bench/pytorch_reference.py --serve [--threads N]   # requests on stdin, one JSON line back each

`--serve` is what `morph bench --pytorch` uses: `build NAME` prepares a case, `run` times one run of it, `runs K`
times a warm-up and K runs and answers their median, `end` frees it. For cases whose runs take a quarter of a second
or more, Morph sends `run` after each of its own runs, its warm-up included: the two sides of a ratio alternate run by
run, and a slow minute on a loaded machine slows both alike. Shorter cases would run from cold caches that way, so
Morph sends `runs K` after its own K runs instead.
"""
import argparse
import gc
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Fixtures"))


def run_times(fn, repeats, budget=float("inf")):
    """Seconds of each of `repeats` runs of `fn`, stopping once `budget` seconds have passed."""
    times = []
    start = time.perf_counter()
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    return times


def upper_median(times):
    """The median as `morph bench` takes it: the upper one of an even count (a budget can cut the runs short)."""
    return sorted(times)[len(times) // 2]


def median_seconds(fn, repeats, warmup=1, budget=20.0):
    for _ in range(warmup):
        fn()
    return upper_median(run_times(fn, repeats, budget))


def conv_cases():
    def conv(cin, cout, size, k, pad, stride=1):
        x = torch.rand(1, cin, size, size)
        w = torch.rand(cout, cin, k, k) * 0.2 - 0.1
        out = (size + 2 * pad - k) // stride + 1
        return (lambda: F.conv2d(x, w, stride=stride, padding=pad)), 2.0 * cout * cin * k * k * out * out

    def conv_backward():
        x = torch.rand(1, 256, 64, 64, requires_grad=True)
        w = (torch.rand(256, 256, 3, 3) * 0.2 - 0.1).requires_grad_()
        g = torch.rand(1, 256, 64, 64)
        y = F.conv2d(x, w, padding=1)
        return (lambda: torch.autograd.grad(y, [x, w], g, retain_graph=True)), 4.0 * 256 * 256 * 9 * 64 * 64

    def conv_t(cin=256, cout=128, k=3, padding=1, output_padding=1):
        x = torch.rand(1, cin, 64, 64)
        w = torch.rand(cin, cout, k, k) * 0.2 - 0.1
        return ((lambda: F.conv_transpose2d(x, w, stride=2, padding=padding, output_padding=output_padding)),
                2.0 * cin * cout * k * k * 64 * 64)

    def sgemm():
        a, b = torch.rand(2048, 2048), torch.rand(2048, 2048)
        return (lambda: torch.mm(a, b)), 2.0 * 2048 ** 3

    return {
        "sgemm_2048": (True, sgemm),
        "conv3x3_c256_64x64": (True, lambda: conv(256, 256, 64, 3, 1)),
        "conv3x3_c256_64x64_backward": (True, conv_backward),
        "conv3x3_c64_256x256": (True, lambda: conv(64, 64, 256, 3, 1)),
        "conv7x7_c3_64_256x256": (True, lambda: conv(3, 64, 256, 7, 3)),
        "convT3x3_s2_c256_128_64x64": (True, conv_t),
        "conv3x3_s2_c64_128_128x128": (True, lambda: conv(64, 128, 128, 3, 1, stride=2)),
        "conv4x4_s2_c128_256_64x64": (True, lambda: conv(128, 256, 64, 4, 1, stride=2)),
        "convT4x4_s2_c256_64_64x64": (True, lambda: conv_t(256, 64, 4, 1, 0)),
    }


def model_cases():
    from gen import models as m
    from gen import lama_net as lama

    def forward(make, shape, train=True):
        def build():
            net = make()
            net.train(train)
            x = torch.rand(*shape) * 2 - 1
            def run():
                with torch.no_grad():
                    net(x)
            return run, None
        return build

    return {
        "resnet9_ngf64_256": (True, forward(lambda: m.ResnetGenerator(3, 3, 64, norm="instance", n_blocks=9),
                                            (1, 3, 256, 256))),
        "unet256_256": (True, forward(lambda: m.UnetGenerator(3, 3, 8, 64, norm="batch"), (1, 3, 256, 256),
                                             train=False)),
        "rrdbnet_x4_64": (True, forward(lambda: m.RRDBNet(3, 3, 4, 64, 23, 32), (1, 3, 64, 64))),
        "srvgg_x4_128": (True, forward(lambda: m.SRVGGNetCompact(3, 3, 64, 32, 4), (1, 3, 128, 128))),
        "lama_512": (False, forward(lambda: lama.FFCResNetGenerator(), (1, 4, 512, 512), train=False)),
    }


def train_cases():
    """One CycleGAN training step (reference optimize_parameters): batch 1, resnet_9blocks, basic D, lsgan,
    cycle + identity losses, image pools of 50, Adam 2e-4."""
    from gen import models as m
    from gen import lama_net as lama
    from gen import train as t
    import random

    class Pool:
        def __init__(self, size):
            self.size, self.images = size, []

        def __call__(self, images):
            out = []
            for image in images:
                image = image.detach().unsqueeze(0)
                if len(self.images) < self.size:
                    self.images.append(image)
                    out.append(image)
                elif random.uniform(0, 1) > 0.5:
                    i = random.randint(0, self.size - 1)
                    out.append(self.images[i].clone())
                    self.images[i] = image
                else:
                    out.append(image)
            return torch.cat(out, 0)

    def step(size):
        def build():
            torch.manual_seed(0)
            G_A, G_B = (m.ResnetGenerator(3, 3, 64, norm="instance", n_blocks=9) for _ in range(2))
            D_A, D_B = (m.NLayerDiscriminator(3, 64, 3, norm="instance") for _ in range(2))
            for net in (G_A, G_B, D_A, D_B):
                t.init_weights(net)
                net.train()
            opt_G = t.adam(list(G_A.parameters()) + list(G_B.parameters()), 2e-4, 0.5)
            opt_D = t.adam(list(D_A.parameters()) + list(D_B.parameters()), 2e-4, 0.5)
            opt = dict(lambda_A=10.0, lambda_B=10.0, lambda_identity=0.5)
            gan = t.GANLoss("lsgan")
            real_A, real_B = torch.rand(1, 3, size, size) * 2 - 1, torch.rand(1, 3, size, size) * 2 - 1
            pool_A, pool_B = Pool(50), Pool(50)
            return (lambda: t.cyclegan_step(G_A, G_B, D_A, D_B, opt_G, opt_D, real_A, real_B, gan, opt,
                                            pool_B=pool_B, pool_A=pool_A)), None
        return build

    def sr_step():
        """One BasicSR SRModel step: srvgg x4 (64 features, 16 convs), batch 1, 64^2 -> 256^2, L1, Adam
        (0.9, 0.99) and model_ema(0.999), as Morph's sr_train_step_srvgg_x4."""
        def build():
            torch.manual_seed(0)
            net = m.SRVGGNetCompact(3, 3, 64, 16, 4)
            ema = m.SRVGGNetCompact(3, 3, 64, 16, 4)
            ema.load_state_dict(net.state_dict())
            opt = torch.optim.Adam(net.parameters(), lr=2e-4, betas=(0.9, 0.99))
            lq, gt = torch.rand(1, 3, 64, 64), torch.rand(1, 3, 256, 256)

            def run():
                opt.zero_grad()
                torch.nn.functional.l1_loss(net(lq), gt).backward()
                opt.step()
                with torch.no_grad():
                    for e, p in zip(ema.parameters(), net.parameters()):
                        e.mul_(0.999).add_(p, alpha=0.001)
            return run, None
        return build

    return {
        "cyclegan_step_128": (True, step(128)),
        "cyclegan_step_256": (False, step(256)),
        "sr_train_step_srvgg_x4": (True, sr_step()),
    }


def measure(name, build, quick):
    fn, flops = build()
    # The same runs and budget as `morph bench` (--quick: 5 runs within 15 s a case).
    seconds = median_seconds(fn, 5 if quick else 7, budget=15.0 if quick else 20.0)
    record = {"name": name, "seconds": seconds, "threads": torch.get_num_threads()}
    if flops:
        record["gflops"] = flops / seconds / 1e9
    return record


SETTLE_SECONDS = 0.05


def serve(cases):
    """Answers `build NAME`, `run`, `runs K` and `end`, one JSON line each (see the module's doc)."""
    def answer(obj):
        print(json.dumps(obj), flush=True)

    def answer_median(times):
        # OpenMP's threads spin for a while after a parallel region (milliseconds with a slow `pause`); let them
        # fall asleep before Morph's next run starts, or they would take its cores.
        time.sleep(SETTLE_SECONDS)
        answer({"seconds": upper_median(times)})

    answer({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()})
    current = None
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "build" and len(words) == 2:
            current = None
            gc.collect()
            if words[1] not in cases:
                answer({"name": words[1], "error": "no such case"})
                continue
            current = cases[words[1]][1]()[0]
            answer({"name": words[1], "built": True})
        elif words[0] == "run" and current is not None:
            answer_median(run_times(current, 1))
        elif words[0] == "runs" and len(words) == 2 and words[1].isdigit() and current is not None:
            current()
            answer_median(run_times(current, max(1, int(words[1]))))
        elif words[0] == "end":
            # Free the case's models and graphs (reference cycles wait for the collector) before answering: Morph
            # times its next case as soon as the answer arrives, and must not share the cores with this clean-up.
            current = None
            gc.collect()
            answer({"ended": True})
        else:
            answer({"error": "unexpected request " + line.strip()})


def default_threads():
    value = os.environ.get("MORPH_THREADS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--filter")
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--threads", type=int, default=default_threads(),
                        help="intra-op threads (default: MORPH_THREADS, else the CPUs this process may use)")
    args = parser.parse_args()
    torch.set_num_threads(max(1, args.threads))
    cases = {**conv_cases(), **model_cases(), **train_cases()}
    if args.serve:
        serve(cases)
        return
    for name, (quick, build) in cases.items():
        if args.quick and not quick:
            continue
        if args.filter and args.filter not in name and name != "sgemm_2048":
            continue
        print(json.dumps(measure(name, build, args.quick)), flush=True)


if __name__ == "__main__":
    main()
