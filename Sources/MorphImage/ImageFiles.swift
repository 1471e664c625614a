import Foundation
import MorphSupport

/// Finding image files in folder trees and mapping them to mirrored output paths (used by the batch runner).
public enum ImageFiles {
    /// Extensions recognised as images, lower case (matching ignores case).
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "webp", "tif", "tiff"]

    /// Whether the path's extension names an image format Morph reads.
    public static func isImage(_ url: URL) -> Bool { extensions.contains(url.pathExtension.lowercased()) }

    /// The image files under `root`, recursively, sorted by relative path; a file root gives itself.
    /// Hidden files and folders (names starting with ".") are skipped, as is the folder `excluding` and its contents.
    /// Each folder is walked once, even when links reach it twice; a link back into a folder being walked
    /// (a cycle) is skipped and named once on standard error.
    /// - Throws: `ImageError.io` when `root` does not exist or a folder cannot be read.
    public static func discover(_ root: URL, excluding: URL? = nil) throws -> [URL] {
        let (files, skipped) = try scan(root, excluding: excluding)
        for note in skipped { FileHandle.standardError.write(Data("morph: \(note)\n".utf8)) }
        return files
    }

    /// `discover` without printing: the files, and one line for each folder skipped because a link led
    /// back to a folder already walked.
    public static func scan(_ root: URL, excluding: URL? = nil) throws -> (files: [URL], skipped: [String]) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir) else {
            throw ImageError.io(file: root.path, message: "no such file or folder")
        }
        guard isDir.boolValue else { return ([root], []) }
        var walk = FolderWalk(skip: excluding.map { FileSystem.resolved($0.path) })
        try walk.visit(root, relative: "")
        return (walk.found.sorted { $0.0 < $1.0 }.map(\.1), walk.skipped)
    }

    /// One recursive walk: the folders seen (by device and inode), the files found, the links skipped.
    private struct FolderWalk {
        struct FolderID: Hashable { let device: UInt64, inode: UInt64 }
        let skip: String?
        var seen: [FolderID: String] = [:]
        var found: [(String, URL)] = []
        var skipped: [String] = []

        static func id(_ path: String) -> FolderID? {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            return FolderID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        }

        mutating func visit(_ folder: URL, relative: String) throws {
            if let id = FolderWalk.id(folder.path) {
                if let first = seen[id] {
                    skipped.append("skipping \(folder.path): a link to \(first), which is already searched (a folder cycle or a repeated link)")
                    return
                }
                seen[id] = folder.path
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            } catch {
                throw ImageError.io(file: folder.path, message: "cannot list folder: \(error.localizedDescription)")
            }
            for name in names.sorted() where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                let rel = relative.isEmpty ? name : relative + "/" + name
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
                if isDir.boolValue {
                    if let skip, FileSystem.resolved(url.path) == skip { continue }
                    try visit(url, relative: rel)
                } else if ImageFiles.isImage(url) {
                    found.append((rel, url))
                }
            }
        }
    }

    /// Where `file` (found under `inputRoot`) goes under `outputRoot`: the same relative path, with the extension
    /// replaced when `format` is given. A file `inputRoot` maps to `outputRoot/<file name>`.
    public static func mirroredPath(for file: URL, inputRoot: URL, outputRoot: URL, format: ImageFormat? = nil) -> URL {
        let filePath = file.standardizedFileURL.path
        let rootPath = inputRoot.standardizedFileURL.path
        var relative = file.lastPathComponent
        if filePath != rootPath, filePath.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/") {
            relative = String(filePath.dropFirst(rootPath.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        }
        var out = outputRoot.appendingPathComponent(relative)
        if let format { out = out.deletingPathExtension().appendingPathExtension(format.fileExtension) }
        return out
    }

    /// Whether `folder` is `root` itself or lies inside it (symlinks resolved), e.g. an output folder inside the input.
    public static func isInside(_ folder: URL, _ root: URL) -> Bool {
        let f = FileSystem.resolved(folder.path), r = FileSystem.resolved(root.path)
        return f == r || f.hasPrefix(r.hasSuffix("/") ? r : r + "/")
    }
}
