import XCTest
import MorphModels

/// `ArchitectureRegistry.parameterCount` (computed from the options alone, used to refuse oversized
/// configurations before building them) equals what the built model really holds, for every architecture.
final class ParameterCountTests: XCTestCase {
    /// Option sets per architecture: the defaults where they are cheap to build, plus small variants that
    /// exercise each formula's branches (norms, block counts, scales, activations, LFU, ratios).
    static let cases: [String: [[String: String]]] = [
        "resnet_9blocks": [[:], ["ngf": "8", "norm": "batch", "n_blocks": "2", "input_nc": "1", "output_nc": "2"]],
        "resnet_6blocks": [["ngf": "4", "norm": "none", "use_dropout": "true", "padding_type": "zero"]],
        "unet_256": [["ngf": "4"], ["ngf": "4", "norm": "instance", "num_downs": "6", "input_nc": "1"]],
        "unet_128": [["ngf": "4", "norm": "none"]],
        "basic": [[:], ["norm": "batch", "ndf": "8"]],
        "n_layers": [["n_layers": "5", "ndf": "4"], ["n_layers": "1", "ndf": "4", "norm": "none"]],
        "pixel": [[:], ["norm": "batch", "input_nc": "6"]],
        "srresnet": [["num_feat": "8", "num_block": "2"], ["num_feat": "8", "num_block": "1", "upscale": "3"],
                     ["num_feat": "8", "num_block": "0", "upscale": "2"]],
        "rrdbnet": [["num_feat": "8", "num_block": "1", "num_grow_ch": "4"],
                    ["num_feat": "8", "num_block": "2", "num_grow_ch": "4", "scale": "2"],
                    ["num_feat": "8", "num_block": "1", "num_grow_ch": "3", "scale": "1", "num_in_ch": "1"]],
        "srvgg": [[:], ["act_type": "relu", "upscale": "2", "num_conv": "3"], ["act_type": "leakyrelu", "num_feat": "8"]],
        "unet_discriminator_sn": [["num_feat": "8"], ["skip_connection": "false", "num_feat": "4", "num_in_ch": "1"]],
        "vgg_discriminator": [["num_feat": "4"], ["num_feat": "4", "input_size": "256"]],
        "gated_inpaint": [[:], ["cnum": "4"]],
        "sn_patch": [[:], ["num_layers": "3", "num_feat": "4", "num_in_ch": "3"]],
        "lama": [["ngf": "8", "n_blocks": "2"],
                 ["ngf": "8", "n_blocks": "1", "enable_lfu": "true", "ratio": "0.5", "n_downsampling": "2"],
                 ["ngf": "4", "ratio": "0.25", "n_blocks": "1", "add_out_act": "tanh", "output_nc": "1"],
                 ["n_blocks": "1"]],
        "ffc_inpaint": [[:], ["ngf": "8", "n_blocks": "1", "enable_lfu": "true", "ratio": "0.5", "n_downsampling": "3"]],
    ]

    func testFormulaMatchesBuiltModelForEveryArchitecture() throws {
        for arch in ArchitectureRegistry.architectures {
            let sets = try XCTUnwrap(Self.cases[arch.name], "no parameter-count case for \(arch.name)")
            for options in sets {
                let built = try ArchitectureRegistry.build(arch.name, options: options).parameterCount
                let formula = try ArchitectureRegistry.parameterCount(arch.name, options: options)
                XCTAssertEqual(formula, built, "\(arch.name) \(options)")
                XCTAssertGreaterThan(built, 0, "\(arch.name) \(options)")
            }
        }
    }

    func testHugeConfigurationIsCountedWithoutBuilding() throws {
        let count = try ArchitectureRegistry.parameterCount("rrdbnet", options: ["num_feat": "4096", "num_block": "512"])
        // 512 RRDBs × 3 dense blocks, each ≥ 4096·4096·9 weights in its last conv alone.
        XCTAssertGreaterThan(count, 512 * 3 * 4096 * 4096 * 9)
        XCTAssertThrowsError(try ArchitectureRegistry.parameterCount("rrdbnet", options: ["num_feat": "huge"]))
        XCTAssertThrowsError(try ArchitectureRegistry.parameterCount("nope"))
    }
}
