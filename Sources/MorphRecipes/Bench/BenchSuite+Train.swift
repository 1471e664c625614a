import Foundation
import MorphTensor
import MorphTrain

extension BenchSuite {
    /// Whole CycleGAN training steps, comparable with `bench/pytorch_reference.py`'s `cyclegan_step_*`:
    /// batch 1, resnet_9blocks (ngf 64) generators, basic PatchGAN discriminators (ndf 64), lsgan,
    /// cycle + identity losses, pools of 50, Adam — forward, G backward and step, D backward and step.
    static func trainCases() -> [BenchCase] {
        [cycleGANStep(size: 128, quick: true), cycleGANStep(size: 256, quick: false)]
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
