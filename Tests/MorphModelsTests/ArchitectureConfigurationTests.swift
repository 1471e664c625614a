import Foundation
import XCTest
import MorphCheckpoint
import MorphModels
import MorphNN
import TestSupport

/// One `ArchitectureConfiguration` describes an architecture from detection to registry to metadata: what detection
/// names a checkpoint the registry builds, and loads the checkpoint's weights strictly; every registered architecture
/// survives a trip through `morph.*` metadata.
final class ArchitectureConfigurationTests: XCTestCase {
    /// Every checkpoint under Tests/Fixtures and models/ that detection (or its metadata) names.
    func namedCheckpoints() throws -> [(file: String, checkpoint: Checkpoint, configuration: ArchitectureConfiguration)] {
        let models = Fixture.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models")
        var urls: [URL] = []
        for folder in [Fixture.directory, models] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                where ["pth", "pt", "ckpt", "safetensors"].contains(URL(fileURLWithPath: name).pathExtension) {
                urls.append(folder.appendingPathComponent(name))
            }
        }
        return urls.compactMap { url in
            guard let checkpoint = try? Checkpoint.load(contentsOf: url).normalized(),
                  let configuration = try? checkpoint.architecture() else { return nil }
            return (url.lastPathComponent, checkpoint, configuration)
        }
    }

    func testDetectionNamesEveryFixtureCheckpointAsTheRegistryBuildsIt() throws {
        let named = try namedCheckpoints()
        let files = Set(named.map(\.file))
        // The reference checkpoints of every family are among them (detected, not read from metadata).
        for file in ["cli_resnet_in.pth", "cli_unet_bn_legacy.pth", "cli_rrdb_x2.pth", "cli_srvgg_x4.pth",
                     "cli_srresnet_x4.pth", "ckpt_esrgan_oldarch.pth", "lama_form_plain.pth", "morph-sr-x4.safetensors"] {
            XCTAssertTrue(files.contains(file), "\(file) is not named")
        }
        XCTAssertGreaterThanOrEqual(named.count, 20)
        for (file, checkpoint, configuration) in named {
            XCTAssertTrue(ArchitectureRegistry.names.contains(configuration.name), "\(file): \(configuration)")
            let model = try ArchitectureRegistry.build(configuration)
            let (dict, _) = model.droppingStaleInstanceNormStatistics(checkpoint.stateDict)
            XCTAssertNoThrow(try model.load(stateDict: dict), "\(file): \(configuration)")
            XCTAssertEqual(model.traits.scale, configuration.scale, file)
        }
    }

    /// The reference architectures of the detection fixture (key lists PyTorch printed) build, in the registry, to
    /// networks with exactly those keys and shapes.
    func testDetectedReferenceArchitecturesBuildTheSameKeysAndShapes() throws {
        let f = try Fixture.load("ckpt_archkeys")
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(f.metadata["cases"]).utf8)) as? [String])
        var built = 0
        for name in cases {
            let text = try XCTUnwrap(f.metadata["shapes." + name])
            let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]])
            let entries = KeyRemap.normalize(try list.map { (try XCTUnwrap($0[0] as? String), try XCTUnwrap($0[1] as? [Int])) })
            let shapes = Dictionary(entries, uniquingKeysWith: { a, _ in a })
            let configuration = try ArchitectureDetection.detect(shapes: shapes)
            XCTAssertTrue(ArchitectureRegistry.names.contains(configuration.name), name)
            // The affine instance norm is detected but not built (the loader says so).
            if configuration.string("norm") == "instance-affine" { continue }
            let model = try ArchitectureRegistry.build(configuration)
            let own = Dictionary(model.stateDict().map { ($0.0, $0.1.shape) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(own, shapes, name)
            built += 1
        }
        XCTAssertGreaterThanOrEqual(built, 15)
    }

    func testEveryRegisteredArchitectureRoundTripsThroughMetadata() throws {
        for name in ArchitectureRegistry.names {
            let full = try ArchitectureRegistry.resolved(ArchitectureConfiguration(name: name))
            XCTAssertEqual(Set(full.options.keys), Set(try ArchitectureRegistry.architecture(named: name).options.map(\.key)), name)
            let metadata = full.metadata
            XCTAssertEqual(metadata["morph.arch"], name)
            let back = try XCTUnwrap(try ArchitectureConfiguration(metadata: metadata), name)
            XCTAssertEqual(back, full, name)
            XCTAssertEqual(try ArchitectureRegistry.resolved(back), full, name)
            let model = try ArchitectureRegistry.build(back)
            XCTAssertEqual(model.traits.scale, back.scale, name)
            XCTAssertEqual(metadata["morph.scale"], String(model.traits.scale), name)
        }
    }

    /// Aliases resolve to the architecture's own key and text values are typed, as training writes them.
    func testResolvedSpellsOutDefaultsUnderTheirOwnKeys() throws {
        let srvgg = try ArchitectureRegistry.resolved(ArchitectureConfiguration(name: "srvgg", parsing: ["scale": "2", "num_conv": "4"]))
        XCTAssertEqual(srvgg.int("upscale"), 2)
        XCTAssertNil(srvgg.options["scale"])
        XCTAssertEqual(srvgg.int("num_conv"), 4)
        XCTAssertEqual(srvgg.string("act_type"), "prelu")
        XCTAssertEqual(srvgg.scale, 2)
        let resnet = try ArchitectureRegistry.resolved(ArchitectureConfiguration(name: "resnet_6blocks"))
        XCTAssertEqual(resnet.int("n_blocks"), 6)
        XCTAssertEqual(resnet.bool("use_dropout"), false)
        XCTAssertThrowsError(try ArchitectureRegistry.resolved(ArchitectureConfiguration(name: "pixel", parsing: ["ngf": "8"])))
    }
}
