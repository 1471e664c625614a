import Foundation
import MorphCheckpoint
import MorphModels
import MorphNN
import MorphTensor

/// A model the shared loop (`Trainer`) can train: its networks, optimizers and other run state, one step
/// on a batch, the names of the losses it reports and the images it shows. Translation models
/// (`TranslationModel`), super-resolution (`SRModel`) and inpainting (`InpaintModel`) all conform; the loop,
/// run folder, exact resume, `log.csv` and `report.html` are the same for all of them.
public protocol TrainableModel: AnyObject {
    /// The networks by name (`G_A`, `D_A`, … or `G`, `D`) with the architecture each was built from; checkpoints are
    /// `net_<name>`, their architecture in `morph.*` metadata.
    var networks: [(name: String, net: MorphModel, architecture: ArchitectureConfiguration)] { get }
    /// The optimizers by name (`G`, `D`).
    var optimizers: [(name: String, optimizer: Adam)] { get }
    /// The image pools by name (empty when none).
    var pools: [(name: String, pool: ImagePool)] { get }
    /// Weight averages by the network they follow; a network with one is saved as `params` + `params_ema`.
    var averages: [(network: String, ema: ParameterEMA)] { get }
    /// The log columns, in order (losses, and metrics such as `psnr` that `evaluate` fills in).
    var lossNames: [String] { get }
    /// The loss watched by the plateau policy and the report's headline.
    var headlineLoss: String { get }
    /// One training step on a batch from the run's `PairDataset`; returns every loss by name.
    func train(on batch: ImagePair) throws -> [String: Float]
    /// Metrics measured every `--display-freq` steps (merged into that step's log row); empty by default.
    func evaluate() throws -> [String: Float]
    /// The latest step's images, first of the batch, as (name, `[1, 3, H, W]` in [−1, 1]), in grid order.
    var visuals: [(String, Tensor)] { get }
    /// The model's own generators (e.g. the gradient penalty's interpolation weights), saved for resume.
    var generators: [String: SeededRNG] { get set }
    /// Called once the run's dataset exists (e.g. to take fixed monitoring crops from it); does nothing by default.
    func prepare(dataset: PairDataset) throws
    /// Lines worth telling the user once when the run starts; none by default.
    var notes: [String] { get }
}

extension TrainableModel {
    public var averages: [(network: String, ema: ParameterEMA)] { [] }
    public func evaluate() throws -> [String: Float] { [:] }
    public func prepare(dataset: PairDataset) throws {}
    public var generators: [String: SeededRNG] {
        get { [:] }
        set {}
    }
    public var notes: [String] { [] }

    /// The dropout layers of all networks, with dotted names (their generators are part of the run state).
    public var dropoutLayers: [(String, Dropout)] {
        var out: [(String, Dropout)] = []
        for (name, net, _) in networks {
            for (path, module) in net.namedModules() {
                if let d = module as? Dropout { out.append((name + "." + path, d)) }
            }
        }
        return out
    }
}

/// Builds the model `options.model` names: a translation model, `SRModel` or `InpaintModel`.
/// - Throws: `ModelError` for an impossible architecture, `TrainError` for bad options (or a VGG file that is
///   not VGG19).
public func makeTrainableModel(_ options: TrainOptions) throws -> TrainableModel {
    switch options.model {
    case .cyclegan, .pix2pix: return try makeTranslationModel(options)
    case .sr: return try SRModel(options: options)
    case .inpaint: return try InpaintModel(options: options)
    }
}

/// Builds the dataset of a run from its options.
/// - Throws: `TrainError.dataset` when the folder is missing or holds no usable images.
func makeDataset(_ options: TrainOptions, root: URL) throws -> PairDataset {
    switch options.model {
    case .cyclegan: return try UnalignedDataset(root: root, options: options)
    case .pix2pix: return try AlignedDataset(root: root, options: options)
    case .sr: return try SRDataset(root: root, options: options)
    case .inpaint: return try InpaintDataset(root: root, options: options)
    }
}
