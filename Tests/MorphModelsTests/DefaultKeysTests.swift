import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// The full-size reference configurations have exactly PyTorch's state_dict keys, in PyTorch's order,
/// with PyTorch's shapes, so real checkpoints (CycleGAN zoo, Real-ESRGAN, ESRGAN) load with no renaming.
final class DefaultKeysTests: XCTestCase {
    struct Entry: Decodable, Equatable {
        let key: String
        let shape: [Int]
        init(key: String, shape: [Int]) { self.key = key; self.shape = shape }
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            key = try c.decode(String.self)
            shape = try c.decode([Int].self)
        }
    }

    func check(_ config: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try Fixture.load("models_default_keys")
        let arch = try ModelFixture.meta(f, "arch." + config)
        let options = try ModelFixture.json(f, "options." + config, as: [String: String].self)
        let expected = try ModelFixture.json(f, "keys." + config, as: [Entry].self)
        let model = try ArchitectureRegistry.build(arch, options: options)
        let actual = model.stateDict().map { Entry(key: $0.0, shape: $0.1.shape) }
        XCTAssertEqual(actual.map(\.key), expected.map(\.key), "\(config): keys and order", file: file, line: line)
        let expectedShapes = Dictionary(expected.map { ($0.key, $0.shape) }, uniquingKeysWith: { a, _ in a })
        for e in actual where expectedShapes[e.key] != nil && expectedShapes[e.key] != e.shape {
            // num_batches_tracked is a 0-d tensor in PyTorch.
            XCTFail("\(config): \(e.key) has shape \(e.shape), PyTorch \(expectedShapes[e.key] ?? [])",
                    file: file, line: line)
        }
        // Strict loading of a PyTorch-shaped state dict must succeed.
        var sd: [String: Tensor] = [:]
        for e in expected { sd[e.key] = Tensor(zeros: e.shape) }
        XCTAssertNoThrow(try model.load(stateDict: sd, strict: true), "\(config): strict load", file: file, line: line)
    }

    func testResnet9Blocks() throws { try check("resnet_9blocks") }
    func testResnet6Blocks() throws { try check("resnet_6blocks") }
    func testResnet9BlocksBatchNormDropout() throws { try check("resnet_9blocks_batch_dropout") }
    func testUnet256() throws { try check("unet_256") }
    func testUnet128() throws { try check("unet_128") }
    func testBasicBatchNorm() throws { try check("basic_batch") }
    func testBasicInstanceNorm() throws { try check("basic_instance") }
    func testPixel() throws { try check("pixel") }
    func testMSRResNet() throws { try check("msrresnet_x4") }
    func testVGGDiscriminator128() throws { try check("vgg_discriminator_128") }
    func testVGGDiscriminator256() throws { try check("vgg_discriminator_256") }
    func testRRDBNetX4() throws { try check("rrdbnet_x4") }
    func testRRDBNetX2() throws { try check("rrdbnet_x2") }
    func testRealESRGeneralX4V3() throws { try check("realesr_general_x4v3") }
    func testRealESRAnimeVideoV3() throws { try check("realesr_animevideov3") }
    func testUNetDiscriminatorSN() throws { try check("unet_discriminator_sn") }

    /// Every configuration in the fixture has a test above.
    func testEveryConfigIsCovered() throws {
        let f = try Fixture.load("models_default_keys")
        let configs = try ModelFixture.json(f, "configs", as: [String].self)
        XCTAssertEqual(Set(configs), [
            "resnet_9blocks", "resnet_6blocks", "resnet_9blocks_batch_dropout", "unet_256", "unet_128",
            "basic_batch", "basic_instance", "pixel", "msrresnet_x4", "vgg_discriminator_128",
            "vgg_discriminator_256", "rrdbnet_x4", "rrdbnet_x2", "realesr_general_x4v3", "realesr_animevideov3",
            "unet_discriminator_sn",
        ])
    }

    /// Parameter counts of the famous configurations, as PyTorch reports them.
    func testParameterCounts() throws {
        let f = try Fixture.load("models_default_keys")
        for config in ["resnet_9blocks", "rrdbnet_x4", "realesr_general_x4v3"] {
            let arch = try ModelFixture.meta(f, "arch." + config)
            let options = try ModelFixture.json(f, "options." + config, as: [String: String].self)
            let expected = try ModelFixture.json(f, "keys." + config, as: [Entry].self)
            let model = try ArchitectureRegistry.build(arch, options: options)
            // These nets have no buffers, so every key is a parameter.
            XCTAssertEqual(model.parameterCount, expected.map { $0.shape.reduce(1, *) }.reduce(0, +), config)
        }
    }
}
