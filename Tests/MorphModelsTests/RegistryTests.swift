import XCTest
import MorphModels
import MorphNN
import MorphTensor

/// Names, option parsing and errors of the architecture registry, and the traits models report.
final class RegistryTests: XCTestCase {
    func testListsEveryArchitecture() {
        XCTAssertEqual(ArchitectureRegistry.names, [
            "resnet_9blocks", "resnet_6blocks", "unet_256", "unet_128", "basic", "n_layers", "pixel",
            "srresnet", "rrdbnet", "srvgg", "unet_discriminator_sn", "vgg_discriminator", "gated_inpaint", "sn_patch", "lama",
            "ffc_inpaint",
        ])
        for arch in ArchitectureRegistry.architectures {
            XCTAssertFalse(arch.summary.isEmpty, arch.name)
            XCTAssertFalse(arch.options.isEmpty, arch.name)
        }
    }

    func testUnknownArchitectureListsKnownNames() {
        XCTAssertThrowsError(try ArchitectureRegistry.build("resnet_12blocks")) { error in
            guard case let ModelError.unknownArchitecture(name, known) = error else {
                return XCTFail("wrong error \(error)")
            }
            XCTAssertEqual(name, "resnet_12blocks")
            XCTAssertTrue(known.contains("resnet_9blocks"))
            XCTAssertTrue("\(error)".contains("resnet_12blocks"))
        }
    }

    func testUnknownOptionIsNamed() {
        XCTAssertThrowsError(try ArchitectureRegistry.build("rrdbnet", options: ["ngf": "8"])) { error in
            XCTAssertEqual(error as? ModelError, .unknownOption(architecture: "rrdbnet", option: "ngf",
                known: ["num_in_ch", "num_out_ch", "scale", "num_feat", "num_block", "num_grow_ch"]))
        }
    }

    func testBadValuesAreRejected() {
        let cases: [(String, [String: String], String)] = [
            ("resnet_9blocks", ["ngf": "many"], "ngf"),
            ("resnet_9blocks", ["ngf": "0"], "ngf"),
            ("resnet_9blocks", ["norm": "group"], "norm"),
            ("resnet_9blocks", ["use_dropout": "maybe"], "use_dropout"),
            ("resnet_6blocks", ["padding_type": "circular"], "padding_type"),
            ("unet_256", ["num_downs": "4"], "num_downs"),
            ("rrdbnet", ["scale": "3"], "scale"),
            ("srresnet", ["upscale": "8"], "upscale"),
            ("srvgg", ["act_type": "gelu"], "act_type"),
            ("vgg_discriminator", ["input_size": "192"], "input_size"),
            ("n_layers", ["n_layers": "-1"], "n_layers"),
        ]
        for (arch, options, key) in cases {
            XCTAssertThrowsError(try ArchitectureRegistry.build(arch, options: options), "\(arch) \(options)") { error in
                guard case let ModelError.badOptionValue(a, option, value, _) = error else {
                    return XCTFail("\(arch): wrong error \(error)")
                }
                XCTAssertEqual(a, arch)
                XCTAssertEqual(option, key)
                XCTAssertEqual(value, options[key])
            }
        }
    }

    func testImpossibleConfigurationIsRejected() {
        // The residual add needs matching channels (or a single input channel).
        XCTAssertThrowsError(try ArchitectureRegistry.build("srvgg", options: ["num_in_ch": "3", "num_out_ch": "2"])) {
            guard case ModelError.invalidConfiguration = $0 else { return XCTFail("wrong error \($0)") }
        }
    }

    func testAliasesAndSpellings() throws {
        let a = try ArchitectureRegistry.build("rrdbnet", options: ["upscale": "2", "num_block": "1", "num_feat": "4",
                                                                    "num_grow_ch": "2"])
        XCTAssertEqual(a.traits.scale, 2)
        let b = try ArchitectureRegistry.build("srvgg", options: ["scale": "3", "num_conv": "1", "num_feat": "4"])
        XCTAssertEqual(b.traits.scale, 3)
        let c = try ArchitectureRegistry.build("n_layers", options: ["n_layers_D": "2", "ndf": "4", "norm": " Batch "])
        XCTAssertTrue(c.traits.hasNormalization)
        XCTAssertTrue(c.stateDict().contains { $0.0 == "model.6.running_var" })
    }

    func testDefaultsFollowTheReferenceCommandLines() throws {
        // CycleGAN: instance norm (no norm keys, conv biases), no dropout.
        let resnet = try ArchitectureRegistry.build("resnet_9blocks", options: ["ngf": "2"])
        let keys = resnet.stateDict().map(\.0)
        XCTAssertTrue(keys.contains("model.1.bias"))
        XCTAssertFalse(keys.contains { $0.contains("running_mean") })
        XCTAssertTrue(keys.contains("model.18.conv_block.5.weight"))
        // pix2pix: batch norm (no conv biases under a norm), dropout (parameter-free, same keys).
        let unet = try ArchitectureRegistry.build("unet_256", options: ["ngf": "2"])
        let ukeys = unet.stateDict().map(\.0)
        XCTAssertFalse(ukeys.contains("model.model.1.model.1.bias"))
        XCTAssertTrue(ukeys.contains("model.model.1.model.2.running_mean"))
    }

    func testTraits() throws {
        let resnet = try ArchitectureRegistry.build("resnet_6blocks", options: ["ngf": "2"]).traits
        XCTAssertEqual(resnet.role, .generator)
        XCTAssertEqual(resnet.scale, 1)
        XCTAssertEqual(resnet.sizeMultiple, 4)
        XCTAssertTrue(resnet.hasNormalization)
        // 7×7 (3) + two s2 3×3 (1 + 2) + 12 3×3 at stride 4 (48) + two convT (4 + 2) + 7×7 (3) = 63.
        XCTAssertEqual(resnet.receptiveFieldRadius, 63)

        let none = try ArchitectureRegistry.build("resnet_6blocks", options: ["ngf": "2", "norm": "none"]).traits
        XCTAssertFalse(none.hasNormalization)

        let unet = try ArchitectureRegistry.build("unet_128", options: ["ngf": "2"]).traits
        XCTAssertEqual(unet.sizeMultiple, 128)

        let rrdb = try ArchitectureRegistry.build("rrdbnet", options: ["scale": "1", "num_block": "1",
                                                                       "num_feat": "4", "num_grow_ch": "2"]).traits
        XCTAssertEqual(rrdb.scale, 1)
        XCTAssertEqual(rrdb.sizeMultiple, 4)
        XCTAssertFalse(rrdb.hasNormalization)

        let srvgg = try ArchitectureRegistry.build("srvgg", options: ["num_conv": "32", "num_feat": "4"]).traits
        // 34 3×3 convolutions at input resolution.
        XCTAssertEqual(srvgg.receptiveFieldRadius, 34)
        XCTAssertEqual(srvgg.scale, 4)

        let vgg = try ArchitectureRegistry.build("vgg_discriminator", options: ["num_feat": "2"]).traits
        XCTAssertEqual(vgg.role, .discriminator)
        XCTAssertNil(vgg.receptiveFieldRadius)
    }

    func testBadInputIsReported() throws {
        let model = try ArchitectureRegistry.build("unet_256", options: ["ngf": "1", "num_downs": "5"])
        XCTAssertThrowsError(try model(Tensor(zeros: [1, 3, 48, 40]))) {
            guard case ModelError.badInput = $0 else { return XCTFail("wrong error \($0)") }
        }
        XCTAssertThrowsError(try model(Tensor(zeros: [1, 4, 32, 32]))) {
            XCTAssertTrue("\($0)".contains("[1, 4, 32, 32]"))
        }
    }

    func testSameSeedSameWeights() throws {
        let a = try ArchitectureRegistry.build("srvgg", options: ["num_conv": "1", "num_feat": "4"], seed: 3)
        let b = try ArchitectureRegistry.build("srvgg", options: ["num_conv": "1", "num_feat": "4"], seed: 3)
        let c = try ArchitectureRegistry.build("srvgg", options: ["num_conv": "1", "num_feat": "4"], seed: 4)
        XCTAssertEqual(a.stateDict().map(\.1.values), b.stateDict().map(\.1.values))
        XCTAssertNotEqual(a.stateDict().map(\.1.values), c.stateDict().map(\.1.values))
    }
}
