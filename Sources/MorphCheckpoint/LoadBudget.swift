import Foundation

/// The memory one load may spend on what an input file declares: tensors, reserved capacities,
/// decompressed archive entries and pickle objects all draw on it. By default it is
/// `fileMultiple` × the file's size + `baseBytes`, so a small hostile file cannot make Morph allocate
/// gigabytes. `MORPH_LOAD_BUDGET` (bytes, or with a K/M/G/T suffix, or `unlimited`) replaces it for
/// genuinely huge checkpoints.
public final class LoadBudget {
    /// The default budget is this many times the file size...
    public static let fileMultiple = 8
    /// ...plus this many bytes.
    public static let baseBytes = 64 << 20
    /// The environment variable that overrides the default.
    public static let environmentVariable = "MORPH_LOAD_BUDGET"

    /// The file being loaded, named in errors.
    public let file: String
    /// The most bytes the load may charge.
    public let limit: Int
    /// The bytes charged so far.
    public private(set) var used = 0

    /// A budget of exactly `limit` bytes for loading `file`.
    public init(file: String, limit: Int) {
        self.file = file
        self.limit = max(0, limit)
    }

    /// The budget for a file of `size` bytes: the override from `environment` when set, else the default.
    /// - Throws: `CheckpointError.malformed` when the override is not a size.
    public static func forFile(_ file: String, size: Int,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LoadBudget {
        if let text = environment[environmentVariable], !text.isEmpty {
            guard let limit = parseSize(text) else {
                throw CheckpointError.malformed(file: file, reason:
                    "\(environmentVariable)='\(text)' is not a size (use bytes, a K/M/G/T suffix, or 'unlimited')")
            }
            return LoadBudget(file: file, limit: limit)
        }
        let scaled = size.multipliedReportingOverflow(by: fileMultiple)
        let total = scaled.partialValue.addingReportingOverflow(baseBytes)
        return LoadBudget(file: file, limit: scaled.overflow || total.overflow ? Int.max : total.partialValue)
    }

    /// Parses `123`, `512M`, `16G`, `1T` (binary multiples) or `unlimited`.
    static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t == "UNLIMITED" { return Int.max }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(t)
        var unit = 1
        if let last = t.last, let u = units[last] { unit = u; digits = t.dropLast() }
        if digits.hasSuffix("I") || digits.hasSuffix("B") { return nil }
        guard let n = Int(digits), n >= 0 else { return nil }
        let (v, o) = n.multipliedReportingOverflow(by: unit)
        return o ? Int.max : v
    }

    /// Takes `bytes` from the budget for `what`.
    /// - Throws: `CheckpointError.overBudget` naming the file when the budget would be exceeded.
    public func charge(_ bytes: Int, for what: @autoclosure () -> String) throws {
        let (total, overflow) = used.addingReportingOverflow(max(0, bytes))
        guard !overflow, total <= limit else {
            throw CheckpointError.overBudget(file: file, what: what(), limit: limit)
        }
        used = total
    }

    /// Gives back `bytes` charged earlier (a buffer that was freed).
    public func refund(_ bytes: Int) {
        used = max(0, used - max(0, bytes))
    }

    /// The bytes still available.
    public var remaining: Int { max(0, limit - used) }
}
