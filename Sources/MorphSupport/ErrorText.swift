import Foundation

/// The one-line form of an error, as every message of Morph shows it: Morph's own errors print themselves;
/// Foundation's file errors (`NSCocoaErrorDomain` 516 and friends) and POSIX errors become a short cause naming the
/// path once.
public enum ErrorText {
    /// The first line of `text`.
    public static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? text
    }

    /// The first line of an error's description.
    public static func firstLine(of error: Error) -> String { firstLine(String(describing: error)) }

    /// The line for `error`, without a leading "`file`: " when it repeats `file`.
    public static func line(_ error: Error, dropping file: String? = nil) -> String {
        var text = translated(error) ?? String(describing: error)
        text = text.split(separator: "\n").first.map(String.init) ?? text
        if let file, text.hasPrefix(file + ": ") { text = String(text.dropFirst(file.count + 2)) }
        return text
    }

    /// The Foundation or POSIX error as "`path`: cause", or nil for other errors.
    static func translated(_ error: Error) -> String? {
        let ns = error as NSError
        let path = (ns.userInfo[NSFilePathErrorKey] as? String)
            ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        let cause: String
        switch ns.domain {
        case NSCocoaErrorDomain:
            cause = path.flatMap(blockingFile).map { "\($0) is a file, not a folder" }
                ?? cocoaCause(ns.code) ?? underlyingCause(ns) ?? "file operation failed (Foundation error \(ns.code))"
        case NSPOSIXErrorDomain:
            cause = String(cString: strerror(Int32(ns.code))).lowercased()
        default:
            return nil
        }
        return path.map { "\($0): \(cause)" } ?? cause
    }

    /// The nearest existing ancestor of `path` (or `path` itself's folder) when it is a file: what stops a folder
    /// from being created there.
    static func blockingFile(_ path: String) -> String? {
        var url = URL(fileURLWithPath: path)
        while url.path != "/" {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
                return isDir.boolValue || url.path == path ? nil : url.path
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// Foundation's file error codes Morph meets, in words.
    static func cocoaCause(_ code: Int) -> String? {
        switch code {
        case 4, 260: return "no such file or folder"
        case 257, 513: return "permission denied"
        case 516: return "a file is in the way (it exists where a folder or new file is needed)"
        case 640: return "no space left on the device"
        case 642: return "the file system is read-only"
        case 259, 264: return "the file's contents cannot be read as text"
        case 256, 512: return nil
        default: return nil
        }
    }

    /// The POSIX cause under a generic Foundation read/write error.
    static func underlyingCause(_ error: NSError) -> String? {
        guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
              underlying.domain == NSPOSIXErrorDomain else { return nil }
        return String(cString: strerror(Int32(underlying.code))).lowercased()
    }
}
