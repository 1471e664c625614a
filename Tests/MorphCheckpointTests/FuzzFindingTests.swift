import Foundation
import XCTest
@testable import MorphCheckpoint
import TestSupport

/// Inputs the fuzzers found (`Fixtures/hostile/fuzz/<harness>/`), each replayed the way its harness reads it and
/// required to end in a clean error; before its fix, each one trapped.
final class FuzzFindingTests: XCTestCase {
    /// The arch harness's text form: `key dim dim ...` lines, `@key=value` metadata lines.
    func shapes(ofArchInput url: URL) throws -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for line in String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n") where !line.hasPrefix("@") {
            let parts = line.split(separator: " ")
            guard let key = parts.first else { continue }
            shapes[String(key)] = parts.dropFirst().compactMap { Int($0) }
        }
        return shapes
    }

    /// An SRVGG-shaped state dict whose first conv has 0 input channels: detection divided by zero (SIGILL).
    func testZeroInputChannelsIsAnErrorNotADivisionByZero() throws {
        let url = Fixture.directory.appendingPathComponent("hostile/fuzz/arch/srvgg_zero_input_channels.txt")
        let shapes = try shapes(ofArchInput: url)
        XCTAssertEqual(shapes["body.0.weight"], [4, 0, 3, 3])
        XCTAssertThrowsError(try ArchitectureDetection.detect(shapes: shapes)) { error in
            XCTAssertTrue("\(error)".contains("no empty dimension"), "\(error)")
        }
        // The same shapes as a real safetensors file (`morph info` died by SIGILL on it).
        let file = Fixture.directory.appendingPathComponent("hostile/zero_channel_srvgg.safetensors")
        let ckpt = try Checkpoint.load(contentsOf: file)
        XCTAssertThrowsError(try ckpt.architecture()) { error in
            XCTAssertTrue("\(error)".contains("body.0.weight of shape [4, 0, 3, 3]"), "\(error)")
        }
    }
}
