import Foundation

/// Finds files shipped in Morph's repository (`models/`, `bench/`) from wherever `morph` runs: the folders
/// above the running executable (`.build/release/morph` sits four levels below the checkout; an installed
/// `bin/morph` one below `share/`), then the current folder.
public enum RepositoryFiles {
    /// The folders searched, nearest first: up to five levels above the executable, then the current folder.
    public static func searchRoots(executable: String = CommandLine.arguments[0]) -> [URL] {
        var roots: [URL] = []
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            roots.append(dir)
            roots.append(dir.appendingPathComponent("share/morph"))
            dir = dir.deletingLastPathComponent()
        }
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return roots
    }

    /// The first existing `<root>/<relativePath>` of `searchRoots`, or nil.
    public static func locate(_ relativePath: String, executable: String = CommandLine.arguments[0]) -> URL? {
        for root in searchRoots(executable: executable) {
            let candidate = root.appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.standardizedFileURL }
        }
        return nil
    }
}
