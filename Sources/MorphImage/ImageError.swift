import Foundation
import CVipsShim

/// Everything that can go wrong reading, converting or writing an image; each case prints as one line naming the file.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// libvips refused the file or an operation on it; `message` is libvips' own text.
    case vips(file: String, message: String)
    /// The file has zero bytes.
    case emptyFile(file: String)
    /// The image decodes but has a layout Morph does not handle (band count, sample format).
    case unsupported(file: String, reason: String)
    /// A file-system operation failed (open, write, rename).
    case io(file: String, message: String)
    /// The output path resolves to the input file, which Morph never overwrites.
    case outputIsInput(file: String)
    /// A tensor or argument does not fit the operation (shape, scale, tile size).
    case invalidArgument(String)

    /// One readable line: `<file>: <cause>`.
    public var description: String {
        switch self {
        case let .vips(file, message): return "\(file): \(message)"
        case let .emptyFile(file): return "\(file): empty file (0 bytes)"
        case let .unsupported(file, reason): return "\(file): unsupported image: \(reason)"
        case let .io(file, message): return "\(file): \(message)"
        case let .outputIsInput(file): return "\(file): output path is the input file; refusing to overwrite it"
        case let .invalidArgument(message): return message
        }
    }

    /// Reads and clears libvips' error buffer, returning it as one line prefixed by `file`.
    static func fromVips(_ file: String, _ fallback: String = "libvips operation failed") -> ImageError {
        var text = ""
        if let buffer = vips_error_buffer() { text = String(cString: buffer) }
        vips_error_clear()
        // libvips often names the file itself ("x.png" is not a known file format): the caller already does.
        let lines = text.split(whereSeparator: \.isNewline)
            .map { $0.replacingOccurrences(of: "\"\(file)\" ", with: "").replacingOccurrences(of: "\(file): ", with: "")
                .replacingOccurrences(of: file, with: URL(fileURLWithPath: file).lastPathComponent)
                .trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return .vips(file: file, message: lines.isEmpty ? fallback : lines.joined(separator: "; "))
    }
}
