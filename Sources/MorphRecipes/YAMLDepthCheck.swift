import Foundation

/// A pass over recipe text before any YAML composer sees it. Yams composes documents recursively, so
/// a hostile recipe nested thousands of levels deep would overflow the stack; this bounds the nesting
/// (flow brackets, block indentation and compact `- - -` sequences) and the number of aliases without
/// recursing. It over-estimates rather than under-estimates: a recipe needs a handful of levels.
public enum YAMLDepthCheck {
    /// The deepest nesting a recipe may have.
    public static let maxDepth = 64
    /// The most aliases (`*name`) a recipe may use.
    public static let maxAliases = 64
    /// The largest recipe text accepted.
    public static let maxBytes = 1 << 20

    /// The first problem found, with its 1-based line, or nil when the text is within bounds.
    public static func problem(in text: String) -> (line: Int, message: String)? {
        if text.utf8.count > maxBytes { return (1, "the recipe is larger than \(maxBytes >> 10) KiB") }
        var flowDepth = 0
        var aliases = 0
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = Array(line.utf8)
            var i = 0
            while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
            let indent = i
            // Compact block indicators on one line ("- - - x", "? ", "- key:") each open a level.
            var indicators = 0
            while i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "?"),
                  i + 1 == bytes.count || bytes[i + 1] == UInt8(ascii: " ") {
                indicators += 1
                i += 2
                while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
            }
            let blockDepth = indent + 2 * indicators + 1
            var deepest = flowDepth
            var quote: UInt8? = nil
            var previous = UInt8(ascii: " ")
            while i < bytes.count {
                let c = bytes[i]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == UInt8(ascii: "#"), previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t") {
                    break
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    flowDepth += 1
                    deepest = max(deepest, flowDepth)
                } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    flowDepth = max(0, flowDepth - 1)
                } else if c == UInt8(ascii: "*"), " [{,:-".utf8.contains(previous) {
                    aliases += 1
                    if aliases > maxAliases { return (lineNumber, "more than \(maxAliases) aliases") }
                }
                previous = c
                i += 1
            }
            if blockDepth + deepest > maxDepth {
                return (lineNumber, "nested deeper than \(maxDepth) levels (refused before parsing)")
            }
        }
        return nil
    }
}
