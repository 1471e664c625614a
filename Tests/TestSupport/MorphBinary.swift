import Foundation
import XCTest

/// The `morph` executable built with the tests, run end to end as a user would.
public enum MorphBinary {
    /// The binary that this test build made, in the same build products folder as the test code: on Linux the
    /// test "bundle" is that folder itself, on macOS the `.xctest` bundle inside it. There is no fallback to another
    /// build folder (such as `.build/release`), where a stale binary could answer for new code.
    public static var url: URL {
        let bundle = Bundle(for: Marker.self).bundleURL
        let products = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
        return products.appendingPathComponent("morph")
    }

    /// Runs `morph` with `arguments` (80 columns); returns the exit code, stdout and stderr.
    /// `environment` adds to (or replaces) the test's own variables; `executable` runs another morph binary.
    public static func run(_ arguments: [String], environment extra: [String: String] = [:],
                           executable: URL? = nil) throws -> (code: Int32, out: String, err: String) {
        let binary = executable ?? url
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw MorphBinaryError.missing(binary.path)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "80"
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    private final class Marker {}
}

/// Raised when the test build has no `morph` binary next to its test bundle.
public enum MorphBinaryError: Error, CustomStringConvertible {
    case missing(String)
    public var description: String {
        switch self {
        case let .missing(path): return "no morph binary at \(path): build with --build-tests so the tests run the current code"
        }
    }
}
