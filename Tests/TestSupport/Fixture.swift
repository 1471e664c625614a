import Foundation
import XCTest
import MorphTensor
import MorphCheckpoint

/// A parity fixture written by `Tests/Fixtures/make_fixtures.py` with real PyTorch:
/// named tensors (inputs, parameters, outputs, gradients) plus string metadata
/// (op arguments such as stride or padding).
public struct Fixture {
    /// Tensors by name.
    public let tensors: [String: Tensor]
    /// Op arguments and notes, as strings.
    public let metadata: [String: String]
    /// The fixture's name, for messages.
    public let name: String

    /// The folder holding the committed fixtures.
    public static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
    }

    /// Loads `Tests/Fixtures/<name>.safetensors`.
    public static func load(_ name: String) throws -> Fixture {
        let url = directory.appendingPathComponent(name + ".safetensors")
        let (list, metadata) = try SafeTensors.read(contentsOf: url)
        return Fixture(tensors: Dictionary(list, uniquingKeysWith: { a, _ in a }), metadata: metadata, name: name)
    }

    /// The tensor named `key`; fails the test with a clear message when absent.
    public func tensor(_ key: String) throws -> Tensor {
        guard let t = tensors[key] else {
            throw FixtureError.missing("\(name): no tensor '\(key)' (has \(tensors.keys.sorted()))")
        }
        return t
    }

    /// A fresh copy of tensor `key`, so tests can set `requiresGrad` without sharing.
    public func copy(_ key: String) throws -> Tensor { try tensor(key).detached() }

    /// Integer metadata.
    public func int(_ key: String) throws -> Int {
        guard let s = metadata[key], let v = Int(s) else { throw FixtureError.missing("\(name): no int metadata '\(key)'") }
        return v
    }

    /// Float metadata.
    public func float(_ key: String) throws -> Float {
        guard let s = metadata[key], let v = Float(s) else { throw FixtureError.missing("\(name): no float metadata '\(key)'") }
        return v
    }

    /// Names of fixtures in the folder whose names start with `prefix`.
    public static func names(prefix: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".safetensors") }
            .map { String($0.dropLast(".safetensors".count)) }.sorted()
    }
}

/// Raised when a fixture lacks an expected entry.
public enum FixtureError: Error, CustomStringConvertible {
    case missing(String)
    public var description: String {
        switch self { case let .missing(s): return s }
    }
}
