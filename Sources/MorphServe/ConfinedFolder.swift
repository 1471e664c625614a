import Foundation
import MorphSupport

/// A folder that requests may name files in, and nothing outside it: names are relative paths of plain
/// components (no `..`, no `.`, no leading `/`, no empty part, no NUL or backslash), and the resolved path, with
/// every symlink followed, must still lie inside the folder's own resolved path.
public struct ConfinedFolder: Sendable {
    /// The folder as given.
    public let root: URL
    /// The folder with symlinks resolved (what every resolved name is checked against).
    public let resolvedRoot: String

    /// A confined view of `root`.
    public init(_ root: URL) {
        self.root = root.standardizedFileURL
        resolvedRoot = FileSystem.realPath(self.root.path) ?? self.root.path
    }

    /// Whether `name` has the shape of a relative name: 1…512 bytes of plain components separated by `/`.
    public static func isPlainRelativeName(_ name: String, allowNesting: Bool = true) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 512, !name.hasPrefix("/"), !name.contains("\\"),
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard allowNesting || parts.count == 1 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// The existing file or folder `name` names inside the root, resolved.
    /// - Throws: `ServeError.badRequest` for a name of the wrong shape or one that leads outside the root (through
    ///   `..` or a symlink); `ServeError.notFound` when nothing is there.
    public func resolve(_ name: String, allowNesting: Bool = true) throws -> URL {
        guard ConfinedFolder.isPlainRelativeName(name, allowNesting: allowNesting) else {
            throw ServeError.badRequest("'\(name)' is not a plain name inside the folder (no '..', '/' prefix or empty parts)")
        }
        let joined = root.appendingPathComponent(name).path
        guard let real = FileSystem.realPath(joined) else { throw ServeError.notFound("no '\(name)'") }
        guard contains(real) else { throw ServeError.badRequest("'\(name)' leads outside the folder (symlink)") }
        return URL(fileURLWithPath: real)
    }

    /// Whether resolved path `real` is the root or lies under it.
    public func contains(_ real: String) -> Bool {
        real == resolvedRoot || real.hasPrefix(resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/")
    }

    /// Relative names of the regular files under the root (recursive, at most `limit`) whose resolved paths stay
    /// inside it and whose extension is in `extensions` (lowercased), sorted.
    public func files(extensions: Set<String>, limit: Int = 10_000) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { return [] }
        var names: [String] = []
        for case let url as URL in enumerator {
            guard names.count < limit else { break }
            guard extensions.contains(url.pathExtension.lowercased()),
                  let real = FileSystem.realPath(url.path), contains(real) else { continue }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isDir), !isDir.boolValue else { continue }
            let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(rootPath) else { continue }
            names.append(String(path.dropFirst(rootPath.count)))
        }
        return names.sorted()
    }

    /// Names of the direct subfolders whose resolved paths stay inside the root, sorted.
    public func subfolders() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { name in
            guard !name.hasPrefix("."), let real = FileSystem.realPath(root.appendingPathComponent(name).path),
                  contains(real) else { return false }
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: real, isDirectory: &isDir) && isDir.boolValue
        }.sorted()
    }
}
