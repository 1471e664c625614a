import ArgumentParser
import Foundation
import MorphInference

/// `morph models download NAME [--dir DIR]`.
struct ModelsDownloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a catalogue model (see morph models) into the models folder.",
        discussion: """
        The file goes to --dir, or $MORPH_MODELS, or ~/.cache/morph/models, and --model NAME then finds it. An \
        interrupted download resumes; the SHA-256 is checked when published (or given with --sha256), and a \
        mismatch removes the file (exit code 2). $MORPH_MODELS_MIRROR replaces the official server by one holding \
        the same file names.
        """)

    @Argument(help: "The model name, as morph models lists it.")
    var name: String

    @Option(help: "Folder to store the model in (default: $MORPH_MODELS, or ~/.cache/morph/models).")
    var dir: String?

    @Option(help: "Expected SHA-256 (64 hex digits), checked instead of the published one.")
    var sha256: String?

    func validate() throws {
        if let sha256 {
            guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
                throw ValidationError("--sha256 takes 64 hexadecimal digits")
            }
        }
    }

    func run() throws {
        let store = dir.map { ModelStore(folder: URL(fileURLWithPath: $0)) } ?? ModelStore.standard()
        try CLIFailure.guarding {
            try CatalogueDownload(store: store, mirror: CatalogueDownload.mirror()).run(name, sha256: sha256)
        }
    }
}
