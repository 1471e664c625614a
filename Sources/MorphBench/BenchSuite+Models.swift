import Foundation
import MorphTensor
import MorphNN
import MorphModels

extension BenchSuite {
    /// Whole-model forward passes, comparable with `bench/pytorch_reference.py`.
    static func modelCases() -> [BenchCase] {
        [
            forward("resnet9_ngf64_256", arch: "resnet_9blocks", options: [:], input: [1, 3, 256, 256], quick: true),
            forward("unet256_256", arch: "unet_256", options: ["use_dropout": "false"], input: [1, 3, 256, 256],
                    quick: true, eval: true),
            forward("rrdbnet_x4_64", arch: "rrdbnet", options: [:], input: [1, 3, 64, 64], quick: true),
            forward("srvgg_x4_128", arch: "srvgg", options: ["num_conv": "32"], input: [1, 3, 128, 128], quick: true),
            forward("lama_512", arch: "lama", options: [:], input: [1, 4, 512, 512], quick: false, eval: true),
        ]
    }

    static func forward(_ name: String, arch: String, options: [String: String], input: [Int], quick: Bool,
                        eval: Bool = false) -> BenchCase {
        BenchCase(name: name, quick: quick) { bench in
            let model = try ArchitectureRegistry.build(arch, options: options, seed: 1)
            if eval { model.eval() }
            var rng = SeededRNG(seed: 5)
            let x = Tensor.uniform(input, low: -1, high: 1, rng: &rng)
            let s = try bench.median { _ = try withoutGrad { try model(x) } }
            return BenchRecord(name: name, seconds: s)
        }
    }
}
