import ArgumentParser
import Foundation
import MorphTrain

extension TrainModelKind {
    /// The names of the options and flags of `morph train <kind>`.
    public var optionNames: OptionNames {
        switch self {
        case .cyclegan, .pix2pix: return OptionNames(TrainArguments.self)
        case .sr: return OptionNames(SRTrainArguments.self)
        case .inpaint: return OptionNames(InpaintTrainArguments.self)
        }
    }

    /// Parses `arguments` as the command line of `morph train <kind>` into the run's options (the kind's defaults
    /// for what is not given), with `--data`, `--out` and `--resume` as given.
    /// - Throws: ArgumentParser's error; `message(for:)` words it.
    public func parse(_ arguments: [String]) throws -> (options: TrainOptions, data: String?, out: String, resume: Bool) {
        switch self {
        case .cyclegan, .pix2pix:
            let a = try TrainArguments.parse(arguments)
            return (a.trainOptions(self), a.data, a.out, a.resume)
        case .sr:
            let a = try SRTrainArguments.parse(arguments)
            return (a.trainOptions, a.common.data, a.common.out, a.common.resume)
        case .inpaint:
            let a = try InpaintTrainArguments.parse(arguments)
            return (a.trainOptions, a.common.data, a.common.out, a.common.resume)
        }
    }

    /// One line for an error of `parse`, as the command line would print it (without "Error: ").
    public func message(for error: Error) -> String {
        let text: String
        switch self {
        case .cyclegan, .pix2pix: text = TrainArguments.message(for: error)
        case .sr: text = SRTrainArguments.message(for: error)
        case .inpaint: text = InpaintTrainArguments.message(for: error)
        }
        return OptionNames.oneLine(text)
    }
}
