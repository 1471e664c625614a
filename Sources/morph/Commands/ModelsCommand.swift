import ArgumentParser

/// `morph models`: the built-in models and the catalogue of public ones Morph runs, and their download.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the built-in models and the public models Morph runs; download one by name.",
        subcommands: [ModelsListCommand.self, ModelsDownloadCommand.self],
        defaultSubcommand: ModelsListCommand.self)
}
