import Foundation
import XCTest
import MorphCheckpoint
import TestSupport

/// Architecture detection on the key/shape lists PyTorch printed for the reference architectures: each is named as
/// the registry names it (the fixture's expectations are written in the registry's names and keys).
final class ArchitectureDetectionTests: XCTestCase {
    func shapes(_ f: Fixture, _ name: String) throws -> [(String, [Int])] {
        let text = try XCTUnwrap(f.metadata["shapes." + name])
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]])
        return try list.map { pair in
            (try XCTUnwrap(pair[0] as? String), try XCTUnwrap(pair[1] as? [Int]))
        }
    }

    /// The expected configuration and scale the fixture's generator wrote for case `name`.
    func expected(_ f: Fixture, _ name: String) throws -> (ArchitectureConfiguration, scale: Int) {
        let text = try XCTUnwrap(f.metadata["spec." + name])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let optionsData = try JSONSerialization.data(withJSONObject: try XCTUnwrap(object["options"]))
        let options = try JSONDecoder().decode([String: ArchitectureConfiguration.Value].self, from: optionsData)
        return (ArchitectureConfiguration(name: try XCTUnwrap(object["name"] as? String), options: options),
                try XCTUnwrap(object["scale"] as? Int))
    }

    func testEveryReferenceArchitectureIsDetected() throws {
        let f = try Fixture.load("ckpt_archkeys")
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(f.metadata["cases"]).utf8)) as? [String])
        XCTAssertGreaterThanOrEqual(cases.count, 16)
        for name in cases {
            let entries = KeyRemap.normalize(try shapes(f, name))
            let detected = try ArchitectureDetection.detect(shapes: Dictionary(entries, uniquingKeysWith: { a, _ in a }))
            let (configuration, scale) = try expected(f, name)
            XCTAssertEqual(detected, configuration, name)
            XCTAssertEqual(detected.scale, scale, name)
        }
    }

    func testDataParallelPrefixIsHandled() throws {
        let f = try Fixture.load("ckpt_archkeys")
        let prefixed = try shapes(f, "unet256_batch").map { ("module." + $0.0, $0.1) }
        let entries = KeyRemap.normalize(prefixed)
        let spec = try ArchitectureDetection.detect(shapes: Dictionary(entries, uniquingKeysWith: { a, _ in a }))
        XCTAssertEqual(spec.int("num_downs"), 8)
    }

    func testUnknownKeysNameWhatWasFound() {
        XCTAssertThrowsError(try ArchitectureDetection.detect(shapes: ["encoder.layer1.weight": [3, 3]])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("encoder.layer1.weight"), text)
            XCTAssertTrue(text.contains("rrdbnet"), text)
        }
        // A truncated RRDBNet (no conv_last) says which key is missing.
        XCTAssertThrowsError(try ArchitectureDetection.detect(shapes: [
            "conv_first.weight": [64, 3, 3, 3], "body.0.rdb1.conv1.weight": [32, 64, 3, 3],
        ])) { error in
            XCTAssertTrue("\(error)".contains("conv_last.weight"), "\(error)")
        }
        // An SRVGG last conv whose outputs are not 3·s².
        XCTAssertThrowsError(try ArchitectureDetection.detect(shapes: [
            "body.0.weight": [8, 3, 3, 3], "body.1.weight": [8], "body.2.weight": [10, 8, 3, 3],
        ])) { error in
            XCTAssertTrue("\(error)".contains("3·scale²"), "\(error)")
        }
    }

    func testMetadataRoundTripAndErrors() throws {
        let spec = ArchitectureConfiguration(name: "srvgg", options: ["num_conv": .int(32), "act_type": .string("prelu"),
                                                                     "flag": .bool(true), "upscale": .int(4)])
        let meta = spec.metadata
        XCTAssertEqual(meta["morph.arch"], "srvgg")
        XCTAssertEqual(meta["morph.scale"], "4")
        XCTAssertEqual(meta["morph.options"], #"{"act_type":"prelu","flag":true,"num_conv":32,"upscale":4}"#)
        XCTAssertEqual(try ArchitectureConfiguration(metadata: meta), spec)
        XCTAssertNil(try ArchitectureConfiguration(metadata: [:]))
        XCTAssertThrowsError(try ArchitectureConfiguration(metadata: ["morph.arch": "x", "morph.scale": "zero"]))
        XCTAssertThrowsError(try ArchitectureConfiguration(metadata: ["morph.arch": "x", "morph.options": "[1]"]))
        // Translators and discriminators are ×1.
        XCTAssertEqual(ArchitectureConfiguration(name: "pixel").metadata["morph.scale"], "1")
    }

    /// Files that kept an SR network's factor only in `morph.scale` read it back as the `scale` option; a factor
    /// among the options wins over `morph.scale`.
    func testScaleStoredOnlyAsMetadataBecomesTheOption() throws {
        let old = try XCTUnwrap(try ArchitectureConfiguration(metadata: [
            "morph.arch": "srvgg", "morph.options": #"{"num_conv":2}"#, "morph.scale": "2",
        ]))
        XCTAssertEqual(old, ArchitectureConfiguration(name: "srvgg", options: ["num_conv": .int(2), "scale": .int(2)]))
        XCTAssertEqual(old.scale, 2)
        let own = try XCTUnwrap(try ArchitectureConfiguration(metadata: [
            "morph.arch": "rrdbnet", "morph.options": #"{"scale":1}"#, "morph.scale": "4",
        ]))
        XCTAssertEqual(own.scale, 1)
        XCTAssertEqual(try ArchitectureConfiguration(metadata: ["morph.arch": "pixel", "morph.scale": "1"]),
                       ArchitectureConfiguration(name: "pixel"))
    }
}
