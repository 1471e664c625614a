import ArgumentParser
import MorphInference
import MorphModels
import MorphNN
import MorphTrain

/// The enums of the modules below that options parse directly, by their raw values.
extension NormStatisticsMode: ExpressibleByArgument {}
extension GeneratorArch: ExpressibleByArgument {}
extension DiscriminatorArch: ExpressibleByArgument {}
extension PreprocessMode: ExpressibleByArgument {}
extension TranslationDirection: ExpressibleByArgument {}
extension GANMode: ExpressibleByArgument {}
extension NormKind: ExpressibleByArgument {}
extension InitType: ExpressibleByArgument {}
extension LRPolicy: ExpressibleByArgument {}
extension SRArch: ExpressibleByArgument {}
extension SRGANType: ExpressibleByArgument {}
extension SRDegradationKind: ExpressibleByArgument {}
extension SRDiscriminatorKind: ExpressibleByArgument {}
extension MaskKind: ExpressibleByArgument {}
extension InpaintGeneratorArch: ExpressibleByArgument {}
