import Foundation
import PackagePlugin

/// Stamps the `morph` executable with its version (the `VERSION` file) and the git commit it was built from.
/// It runs `scripts/stamp-version.sh` before every build; the script reads `.git` directly (no git program needed),
/// falls back to the `COMMIT` file that `git archive` fills in, and rewrites the generated Swift file only when it
/// changes, so an unchanged checkout recompiles nothing.
@main
struct MorphVersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let folder = context.pluginWorkDirectoryURL.appendingPathComponent("stamp")
        return [.prebuildCommand(
            displayName: "Stamping the morph version",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [root.appendingPathComponent("scripts/stamp-version.sh").path, root.path,
                        folder.appendingPathComponent("MorphVersion.swift").path],
            outputFilesDirectory: folder)]
    }
}
