import Foundation
import XCTest
import MorphCheckpoint
import TestSupport

/// Architecture detection on the key/shape lists PyTorch printed for the reference architectures.
final class ArchitectureDetectionTests: XCTestCase {
    func shapes(_ f: Fixture, _ name: String) throws -> [(String, [Int])] {
        let text = try XCTUnwrap(f.metadata["shapes." + name])
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]])
        return try list.map { pair in
            (try XCTUnwrap(pair[0] as? String), try XCTUnwrap(pair[1] as? [Int]))
        }
    }

    func spec(_ f: Fixture, _ name: String) throws -> ArchitectureSpec {
        let text = try XCTUnwrap(f.metadata["spec." + name])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let optionsData = try JSONSerialization.data(withJSONObject: try XCTUnwrap(object["options"]))
        let options = try JSONDecoder().decode([String: ArchitectureSpec.Value].self, from: optionsData)
        return ArchitectureSpec(name: try XCTUnwrap(object["name"] as? String), options: options,
                                scale: try XCTUnwrap(object["scale"] as? Int))
    }

    func testEveryReferenceArchitectureIsDetected() throws {
        let f = try Fixture.load("ckpt_archkeys")
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(f.metadata["cases"]).utf8)) as? [String])
        XCTAssertGreaterThanOrEqual(cases.count, 16)
        for name in cases {
            let entries = KeyRemap.normalize(try shapes(f, name))
            let detected = try ArchitectureDetection.detect(shapes: Dictionary(entries, uniquingKeysWith: { a, _ in a }))
            XCTAssertEqual(detected, try spec(f, name), name)
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

    func testMetadataSpecRoundTripAndErrors() throws {
        let spec = ArchitectureSpec(name: "srvgg", options: ["num_conv": .int(32), "act_type": .string("prelu"),
                                                            "flag": .bool(true)], scale: 4)
        let meta = spec.metadata
        XCTAssertEqual(meta["morph.arch"], "srvgg")
        XCTAssertEqual(meta["morph.scale"], "4")
        XCTAssertEqual(meta["morph.options"], #"{"act_type":"prelu","flag":true,"num_conv":32}"#)
        XCTAssertEqual(try ArchitectureSpec(metadata: meta), spec)
        XCTAssertNil(try ArchitectureSpec(metadata: [:]))
        XCTAssertThrowsError(try ArchitectureSpec(metadata: ["morph.arch": "x", "morph.scale": "zero"]))
        XCTAssertThrowsError(try ArchitectureSpec(metadata: ["morph.arch": "x", "morph.options": "[1]"]))
    }
}
