import ArgumentParser
import MorphModels
import MorphNN
import MorphTrain

/// Every option of `morph train cyclegan|pix2pix` (and of a recipe's train step of those kinds), named as the
/// reference's in kebab case.
/// Options left out take the chosen model's reference default.
public struct TrainArguments: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(help: "Dataset folder (trainA/ and trainB/ for CycleGAN; train/ of A|B images for pix2pix).")
    public var data: String?
    @Option(help: "Run folder: config.json, log.csv, report.html, checkpoints/.")
    public var out: String
    @Flag(help: "Continue the run in --out from its latest checkpoint, with its saved options (only --max-steps and --data may change).")
    public var resume = false

    @Option(name: .customLong("net-g"), help: "Generator architecture (default: resnet_9blocks for CycleGAN, unet_256 for pix2pix).")
    public var netG: GeneratorArch?
    @Option(name: .customLong("net-d"), help: "Discriminator architecture.")
    public var netD = translationDefaults.netD
    @Option(name: .customLong("n-layers-d"), help: "Layers of the n_layers discriminator.")
    public var nLayersD = translationDefaults.nLayersD
    @Option(help: "Generator filters in the first conv layer.")
    public var ngf = translationDefaults.ngf
    @Option(help: "Discriminator filters in the first conv layer.")
    public var ndf = commonDefaults.ndf
    @Option(help: "Normalization (default: instance for CycleGAN, batch for pix2pix).")
    public var norm: NormKind?
    @Flag(inversion: .prefixedNo, help: "Dropout in the generator (default: off for CycleGAN, on for pix2pix).")
    public var dropout: Bool?
    @Option(help: "Weight initialization.")
    public var initType = translationDefaults.initType
    @Option(help: "Scale of the weight initialization.")
    public var initGain = translationDefaults.initGain
    @Option(help: "ResNet blocks of the generator (default: 9 or 6 as the architecture says).")
    public var nBlocks: Int?
    @Option(help: "U-Net downsamplings (default: 8 for unet_256, 7 for unet_128).")
    public var numDowns: Int?

    @Option(help: "GAN objective (default: lsgan for CycleGAN, vanilla for pix2pix). wgangp adds the gradient penalty.")
    public var ganMode: GANMode?
    @Option(name: .customLong("lambda-a"), help: "Weight of the A→B→A cycle loss.")
    public var lambdaA = translationDefaults.lambdaA
    @Option(name: .customLong("lambda-b"), help: "Weight of the B→A→B cycle loss.")
    public var lambdaB = translationDefaults.lambdaB
    @Option(help: "Weight of the identity loss, relative to the cycle weights.")
    public var lambdaIdentity = translationDefaults.lambdaIdentity
    @Option(name: .customLong("lambda-l1"), help: "Weight of pix2pix's L1 loss.")
    public var lambdaL1 = translationDefaults.lambdaL1
    @Option(help: "Generated images kept for the discriminator (default: 50 for CycleGAN, 0 for pix2pix).")
    public var poolSize: Int?

    @Option(help: "Initial Adam learning rate.")
    public var lr = commonDefaults.lr
    @Option(help: "Adam β1.")
    public var beta1 = commonDefaults.beta1
    @Option(help: "Learning-rate policy.")
    public var lrPolicy = commonDefaults.lrPolicy
    @Option(help: "Epochs between step-policy decays.")
    public var lrDecayIters = commonDefaults.lrDecayIters
    @Option(help: "Epochs at the initial learning rate.")
    public var nEpochs = commonDefaults.nEpochs
    @Option(help: "Epochs of linear decay to zero.")
    public var nEpochsDecay = commonDefaults.nEpochsDecay

    @Option(help: "Images per batch.")
    public var batchSize = commonDefaults.batchSize
    @Option(help: "Resize to this size before cropping.")
    public var loadSize = translationDefaults.loadSize
    @Option(help: "Crop to this size.")
    public var cropSize = translationDefaults.cropSize
    @Option(help: "Preprocessing.")
    public var preprocess = translationDefaults.preprocess
    @Flag(help: "Do not flip images horizontally.")
    public var noFlip = translationDefaults.noFlip
    @Option(help: "Translation direction.")
    public var direction = translationDefaults.direction
    @Flag(help: "Take images in order (and B with A's index) instead of shuffling.")
    public var serialBatches = commonDefaults.serialBatches
    @Option(help: "Use at most this many images of each folder.")
    public var maxDatasetSize: Int?
    @Option(help: "Batches decoded ahead on the loader thread.")
    public var prefetch = commonDefaults.prefetch

    @Option(help: "Seed of every random choice (weights, data order, crops, flips, pool, dropout).")
    public var seed = commonDefaults.seed
    @Option(help: "Keep the networks of every N-th epoch.")
    public var saveEpochFreq = commonDefaults.saveEpochFreq
    @Option(help: "Also save the latest checkpoint every N steps.")
    public var saveLatestFreq = commonDefaults.saveLatestFreq
    @Option(help: "Regenerate report.html every N steps.")
    public var displayFreq = commonDefaults.displayFreq
    @Option(help: "Stop after this many steps in total (checkpointing first).")
    public var maxSteps: Int?

    /// Checks what the command line must give; the values are checked once, by `TrainOptions.validate()` (the
    /// trainer, and the recipe parser, run it on the options of the run).
    public func validate() throws {
        if !resume && data == nil { throw ValidationError("a new run needs --data (or --resume to continue --out)") }
    }

    /// The options for `model`, reference defaults filled in.
    public func trainOptions(_ model: TrainModelKind) -> TrainOptions {
        var o = TrainOptions(model: model)
        var t = o.translation ?? TranslationTrainOptions(paired: model == .pix2pix)
        t.netG = netG ?? t.netG
        t.netD = netD; t.nLayersD = nLayersD; t.ngf = ngf
        t.norm = norm ?? t.norm
        if let dropout { t.noDropout = !dropout }
        t.initType = initType; t.initGain = initGain; t.nBlocks = nBlocks; t.numDowns = numDowns
        t.ganMode = ganMode ?? t.ganMode
        t.lambdaA = lambdaA; t.lambdaB = lambdaB; t.lambdaIdentity = lambdaIdentity; t.lambdaL1 = lambdaL1
        t.poolSize = poolSize ?? t.poolSize
        t.loadSize = loadSize; t.cropSize = cropSize; t.preprocess = preprocess; t.noFlip = noFlip; t.direction = direction
        o.translation = t
        o.ndf = ndf; o.lr = lr; o.beta1 = beta1; o.lrPolicy = lrPolicy; o.lrDecayIters = lrDecayIters
        o.nEpochs = nEpochs; o.nEpochsDecay = nEpochsDecay; o.batchSize = batchSize
        o.serialBatches = serialBatches; o.maxDatasetSize = maxDatasetSize; o.prefetch = prefetch
        o.seed = seed; o.saveEpochFreq = saveEpochFreq; o.saveLatestFreq = saveLatestFreq; o.displayFreq = displayFreq
        o.maxSteps = maxSteps
        return o
    }
}

/// The defaults the options above show: the translation run's own (`TrainOptions(model: .cyclegan)`).
private let translationDefaults = TranslationTrainOptions(paired: false)
private let commonDefaults = CommonTrainOptions(model: .cyclegan)
