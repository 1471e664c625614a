import ArgumentParser
import MorphInference

/// `morph models [list]`: one line per model, where it comes from and whether it is here.
struct ModelsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the built-in models and the downloadable catalogue (the default).",
        discussion: """
        Downloaded models live in $MORPH_MODELS (default ~/.cache/morph/models); --model NAME finds them there.
        """)

    @Flag(help: "Print one JSON object (built-ins, catalogue with URL, SHA-256 and local file).")
    var json = false

    func run() throws {
        let store = ModelStore.standard()
        if json {
            print(ModelListing(store: store).json)
        } else {
            print(ModelListing(store: store).text)
        }
    }
}
