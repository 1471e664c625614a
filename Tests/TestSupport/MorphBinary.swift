import Foundation

/// The `morph` executable built with the tests, run end to end as a user would.
public enum MorphBinary {
    /// The binary next to the test bundle, or `.build/release/morph` in the checkout.
    public static var url: URL {
        let products = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        let candidate = products.appendingPathComponent("morph")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/release/morph")
    }

    /// Runs `morph` with `arguments` (80 columns); returns the exit code, stdout and stderr.
    /// `environment` adds to (or replaces) the test's own variables.
    public static func run(_ arguments: [String], environment extra: [String: String] = [:],
                           executable: URL? = nil) throws -> (code: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = executable ?? url
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
