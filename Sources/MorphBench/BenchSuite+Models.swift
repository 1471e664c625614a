import Foundation
import MorphCheckpoint
import MorphTensor
import MorphNN
import MorphModels

extension BenchSuite {
    /// Whole-model forward passes, comparable with `bench/pytorch_reference.py`.
    static func modelCases() -> [BenchCase] {
        [
            forward("resnet9_ngf64_256", .init(name: "resnet_9blocks"), input: [1, 3, 256, 256], quick: true),
            forward("unet256_256", .init(name: "unet_256", options: ["use_dropout": .bool(false)]), input: [1, 3, 256, 256],
                    quick: true, eval: true),
            forward("rrdbnet_x4_64", .init(name: "rrdbnet"), input: [1, 3, 64, 64], quick: true),
            forward("srvgg_x4_128", .init(name: "srvgg", options: ["num_conv": .int(32)]), input: [1, 3, 128, 128], quick: true),
            forward("lama_512", .init(name: "lama"), input: [1, 4, 512, 512], quick: false, eval: true),
        ]
    }

    static func forward(_ name: String, _ architecture: ArchitectureConfiguration, input: [Int], quick: Bool,
                        eval: Bool = false) -> BenchCase {
        BenchCase(name: name, quick: quick) { bench in
            let model = try ArchitectureRegistry.build(architecture, seed: 1)
            if eval { model.eval() }
            var rng = SeededRNG(seed: 5)
            let x = Tensor.uniform(input, low: -1, high: 1, rng: &rng)
            let s = try bench.median { _ = try withoutGrad { try model(x) } }
            return BenchRecord(name: name, seconds: s)
        }
    }
}
