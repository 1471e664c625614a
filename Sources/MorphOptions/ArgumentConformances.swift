import ArgumentParser
import MorphInference

/// The enums of the modules below that options parse directly, by their raw values.
extension Direction: ExpressibleByArgument {}
extension NormStatisticsMode: ExpressibleByArgument {}
