import Foundation
import MorphTensor
import MorphTrain

extension BenchSuite {
    /// Whole CycleGAN training steps, comparable with `bench/pytorch_reference.py`'s `cyclegan_step_*`:
    /// batch 1, resnet_9blocks (ngf 64) generators, basic PatchGAN discriminators (ndf 64), lsgan,
    /// cycle + identity losses, pools of 50, Adam — forward, G backward and step, D backward and step.
    static func trainCases() -> [BenchCase] {
        [cycleGANStep(size: 128, quick: true), cycleGANStep(size: 256, quick: false), srTrainStep()]
    }

    /// One `morph train sr` pretraining step: srvgg ×4 at its default size (64 features, 16 convs), batch 1,
    /// 64² LR → 256² HR, L1 loss, Adam and the weight average — forward, backward, step, EMA update.
    static func srTrainStep() -> BenchCase {
        let name = "sr_train_step_srvgg_x4"
        return BenchCase(name: name, quick: true) { bench in
            var options = TrainOptions(model: .sr)
            options.seed = 1
            var sr = SRTrainOptions()
            sr.arch = .srvgg; sr.scale = 4; sr.gtSize = 256
            options.sr = sr
            let model = try SRModel(options: options)
            var rng = SeededRNG(seed: 7)
            let lq = Tensor.uniform([1, 3, 64, 64], low: 0, high: 1, rng: &rng)
            let gt = Tensor.uniform([1, 3, 256, 256], low: 0, high: 1, rng: &rng)
            let s = try bench.median { _ = try model.step(lq: lq, gt: gt) }
            var record = BenchRecord(name: name, seconds: s)
            record.peakRSSMiB = Double(Benchmark.peakRSSBytes()) / 1_048_576
            return record
        }
    }

    static func cycleGANStep(size: Int, quick: Bool) -> BenchCase {
        let name = "cyclegan_step_\(size)"
        return BenchCase(name: name, quick: quick) { bench in
            var options = TrainOptions(model: .cyclegan)
            options.seed = 1
            let model = try CycleGANModel(options: options)
            var rng = SeededRNG(seed: 6)
            let a = Tensor.uniform([1, 3, size, size], low: -1, high: 1, rng: &rng)
            let b = Tensor.uniform([1, 3, size, size], low: -1, high: 1, rng: &rng)
            let s = try bench.median { _ = try model.step(realA: a, realB: b) }
            var record = BenchRecord(name: name, seconds: s)
            record.peakRSSMiB = Double(Benchmark.peakRSSBytes()) / 1_048_576
            return record
        }
    }
}
