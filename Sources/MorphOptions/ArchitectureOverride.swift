import ArgumentParser

/// `--arch NAME` and `--option key=value`: override architecture detection (registry names and option keys).
public struct ArchitectureOverride: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(help: "Registry architecture name, instead of detecting it (resnet_9blocks, unet_256, rrdbnet, srvgg, …).")
    public var arch: String?

    @Option(name: .customLong("option"), help: "Architecture option key=value (repeatable), e.g. use_dropout=false.")
    public var options: [String] = []

    public func validate() throws {
        for o in options where !o.contains("=") || o.hasPrefix("=") {
            throw ValidationError("--option takes key=value, got '\(o)'")
        }
    }

    /// The options as a dictionary (later ones win).
    public var dictionary: [String: String] {
        var out: [String: String] = [:]
        for o in options {
            guard let eq = o.firstIndex(of: "=") else { continue }
            out[String(o[..<eq])] = String(o[o.index(after: eq)...])
        }
        return out
    }
}
