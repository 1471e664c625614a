import Foundation
import CVipsShim

/// libvips' warnings (a truncated PNG, a damaged JPEG), caught instead of printed raw as `VIPS-WARNING **` lines:
/// they are counted and the first is kept, so a command can summarise them once at the end.
public enum VipsWarnings {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var count = 0
    nonisolated(unsafe) private static var first: String?

    /// Routes the `VIPS` log domain's warnings here (called once when libvips starts).
    static func install() {
        let levels = GLogLevelFlags(rawValue: G_LOG_LEVEL_WARNING.rawValue | G_LOG_LEVEL_MESSAGE.rawValue)
        for domain in ["VIPS", "GLib-GObject"] {
            g_log_set_handler(domain, levels, { _, _, message, _ in
                VipsWarnings.record(message.map { String(cString: $0) } ?? "")
            }, nil)
        }
    }

    /// Counts one warning.
    static func record(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        count += 1
        if first == nil { first = message.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The warnings so far, forgetting them: how many and the first one's text.
    public static func take() -> (count: Int, first: String?) {
        lock.lock(); defer { lock.unlock() }
        let result = (count, first)
        count = 0
        first = nil
        return result
    }

    /// One line summarising the warnings so far (and forgetting them), or nil when there were none.
    public static func takeSummary() -> String? {
        let (n, first) = take()
        guard n > 0 else { return nil }
        return "libvips warned \(n) time\(n == 1 ? "" : "s") while reading or writing images"
            + (first.map { " (first: \($0))" } ?? "")
    }
}
