import Foundation

/// The file-system rules every writer follows: paths compared by what they resolve to, and files replaced atomically
/// (a hidden temporary file in the destination folder, renamed over the target, so a reader sees the old file or the
/// whole new one, never a torn one).
public enum FileSystem {
    private static var counter = 0
    private static let lock = NSLock()

    /// Why an atomic write failed, in words that follow the file's path.
    public struct WriteFailure: Error, CustomStringConvertible {
        /// What went wrong (`cannot write: …`, `cannot move the written file into place: …`).
        public let message: String
        public var description: String { message }
    }

    /// Whether two paths name the same file (same device and inode, or the same resolved path).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return resolved(a) == resolved(b)
    }

    /// The absolute path with symlinks resolved in the existing part (the folder for a new file).
    public static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if let real = realPath(url.path) { return real }
        if let real = realPath(url.deletingLastPathComponent().path) {
            return URL(fileURLWithPath: real).appendingPathComponent(url.lastPathComponent).path
        }
        return url.path
    }

    /// `realpath(3)` of `path`: absolute, every symlink resolved; nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// A fresh hidden temporary path next to `dest`, with `dest`'s extension (or `suffix`).
    public static func temporaryPath(near dest: URL, suffix: String? = nil) -> String {
        lock.lock()
        counter += 1
        let n = counter
        lock.unlock()
        let ext = suffix ?? dest.pathExtension
        let name = ".\(dest.deletingPathExtension().lastPathComponent).morph-\(getpid())-\(n).tmp.\(ext)"
        return dest.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Runs `write` on a temporary path in `dest`'s folder, then renames it over `dest`; removes the temporary on
    /// failure. `write`'s errors pass through; a failed rename throws `WriteFailure`.
    public static func writeAtomically(to dest: URL, _ write: (String) throws -> Void) throws {
        let temp = temporaryPath(near: dest)
        do {
            try write(temp)
        } catch {
            unlink(temp)
            throw error
        }
        guard rename(temp, dest.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw WriteFailure(message: "cannot move the written file into place: \(reason)")
        }
    }

    /// Writes `data` to `dest` atomically.
    /// - Throws: `WriteFailure` naming what failed (the caller adds the path).
    public static func write(_ data: Data, to dest: URL) throws {
        try writeAtomically(to: dest) { temp in
            do { try data.write(to: URL(fileURLWithPath: temp)) } catch {
                throw WriteFailure(message: "cannot write: \(error.localizedDescription)")
            }
        }
    }
}
