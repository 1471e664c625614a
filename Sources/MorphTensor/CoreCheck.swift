import Foundation

/// Notices when OpenBLAS runs generic kernels on a CPU that has AVX2 or AVX-512, which makes every
/// convolution several times slower, and says so once on stderr with the `OPENBLAS_CORETYPE` remedy.
///
/// OpenBLAS picks its kernels when the library loads, before any Swift code runs, so Morph cannot set
/// `OPENBLAS_CORETYPE` for itself; it can only tell the user (virtual machines often hide the CPU model,
/// and OpenBLAS then prints "Core not found" and falls back to an old core).
public enum CoreCheck {
    /// Kernel sets without AVX2 code: on an AVX2 CPU these are fallbacks.
    static let preAVX2Cores: Set<String> = [
        "generic", "unknown", "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn",
        "dunnington", "nehalem", "sandybridge", "opteron", "opteron_sse3", "barcelona", "bobcat", "bulldozer",
        "piledriver", "steamroller", "excavator", "nano",
    ]

    /// The vector extensions the CPU reports in /proc/cpuinfo ("avx512f", "avx2"), best first; empty when unknown.
    public static func cpuVectorFlags(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> [String] {
        guard let text = cpuinfo, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        let flags = Set(line.split(separator: " ").map(String.init))
        return ["avx512f", "avx2"].filter(flags.contains)
    }

    /// The warning for OpenBLAS core `core` on a CPU with `flags`, or nil when the core fits the CPU.
    public static func warning(core: String, flags: [String]) -> String? {
        guard let best = flags.first, preAVX2Cores.contains(core.lowercased()) else { return nil }
        let suggestion = best == "avx512f" ? "SkylakeX" : "Haswell"
        return "warning: OpenBLAS uses its \(core) kernels, but this CPU has \(best.uppercased()); convolutions run "
            + "several times slower. Set OPENBLAS_CORETYPE=\(suggestion) in the environment before starting morph."
    }

    /// Prints `warning(core:flags:)` for this machine to stderr, at most once per process.
    public static func warnOnce() { _ = warned }

    private static let warned: Void = {
        if let text = warning(core: BLAS.coreName, flags: cpuVectorFlags()) {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }()
}
