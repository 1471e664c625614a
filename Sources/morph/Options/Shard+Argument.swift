import ArgumentParser
import MorphInference

/// `--shard i/n`.
extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
