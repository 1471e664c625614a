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
    public var netD: DiscriminatorArch = .basic
    @Option(name: .customLong("n-layers-d"), help: "Layers of the n_layers discriminator.")
    public var nLayersD = 3
    @Option(help: "Generator filters in the first conv layer.")
    public var ngf = 64
    @Option(help: "Discriminator filters in the first conv layer.")
    public var ndf = 64
    @Option(help: "Normalization (default: instance for CycleGAN, batch for pix2pix).")
    public var norm: NormKind?
    @Flag(inversion: .prefixedNo, help: "Dropout in the generator (default: off for CycleGAN, on for pix2pix).")
    public var dropout: Bool?
    @Option(help: "Weight initialization.")
    public var initType: InitType = .normal
    @Option(help: "Scale of the weight initialization.")
    public var initGain = 0.02
    @Option(help: "ResNet blocks of the generator (default: 9 or 6 as the architecture says).")
    public var nBlocks: Int?
    @Option(help: "U-Net downsamplings (default: 8 for unet_256, 7 for unet_128).")
    public var numDowns: Int?

    @Option(help: "GAN objective (default: lsgan for CycleGAN, vanilla for pix2pix). wgangp adds the gradient penalty.")
    public var ganMode: GANMode?
    @Option(name: .customLong("lambda-a"), help: "Weight of the A→B→A cycle loss.")
    public var lambdaA = 10.0
    @Option(name: .customLong("lambda-b"), help: "Weight of the B→A→B cycle loss.")
    public var lambdaB = 10.0
    @Option(help: "Weight of the identity loss, relative to the cycle weights.")
    public var lambdaIdentity = 0.5
    @Option(name: .customLong("lambda-l1"), help: "Weight of pix2pix's L1 loss.")
    public var lambdaL1 = 100.0
    @Option(help: "Generated images kept for the discriminator (default: 50 for CycleGAN, 0 for pix2pix).")
    public var poolSize: Int?

    @Option(help: "Initial Adam learning rate.")
    public var lr = 0.0002
    @Option(help: "Adam β1.")
    public var beta1 = 0.5
    @Option(help: "Learning-rate policy.")
    public var lrPolicy: LRPolicy = .linear
    @Option(help: "Epochs between step-policy decays.")
    public var lrDecayIters = 50
    @Option(help: "Epochs at the initial learning rate.")
    public var nEpochs = 100
    @Option(help: "Epochs of linear decay to zero.")
    public var nEpochsDecay = 100

    @Option(help: "Images per batch.")
    public var batchSize = 1
    @Option(help: "Resize to this size before cropping.")
    public var loadSize = 286
    @Option(help: "Crop to this size.")
    public var cropSize = 256
    @Option(help: "Preprocessing.")
    public var preprocess: PreprocessMode = .resize_and_crop
    @Flag(help: "Do not flip images horizontally.")
    public var noFlip = false
    @Option(help: "Translation direction.")
    public var direction: TranslationDirection = .aToB
    @Flag(help: "Take images in order (and B with A's index) instead of shuffling.")
    public var serialBatches = false
    @Option(help: "Use at most this many images of each folder.")
    public var maxDatasetSize: Int?
    @Option(help: "Batches decoded ahead on the loader thread.")
    public var prefetch = 4

    @Option(help: "Seed of every random choice (weights, data order, crops, flips, pool, dropout).")
    public var seed: UInt64 = 0
    @Option(help: "Keep the networks of every N-th epoch.")
    public var saveEpochFreq = 5
    @Option(help: "Also save the latest checkpoint every N steps.")
    public var saveLatestFreq = 5000
    @Option(help: "Regenerate report.html every N steps.")
    public var displayFreq = 400
    @Option(help: "Stop after this many steps in total (checkpointing first).")
    public var maxSteps: Int?

    public func validate() throws {
        if !resume && data == nil { throw ValidationError("a new run needs --data (or --resume to continue --out)") }
        for (name, value) in [("ngf", ngf), ("ndf", ndf), ("n-layers-d", nLayersD), ("batch-size", batchSize),
                              ("load-size", loadSize), ("crop-size", cropSize), ("save-epoch-freq", saveEpochFreq), ("save-latest-freq", saveLatestFreq),
                              ("display-freq", displayFreq), ("prefetch", prefetch)] where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
        if let m = maxSteps, m <= 0 { throw ValidationError("--max-steps must be positive, got \(m)") }
        if let p = poolSize, p < 0 { throw ValidationError("--pool-size must be ≥ 0, got \(p)") }
        guard lr > 0 else { throw ValidationError("--lr must be positive, got \(lr)") }
        guard nEpochs >= 0, nEpochsDecay >= 0, nEpochs + nEpochsDecay > 0 else {
            throw ValidationError("--n-epochs + --n-epochs-decay must be at least 1")
        }
    }

    /// The options for `model`, reference defaults filled in.
    public func trainOptions(_ model: TrainModelKind) -> TrainOptions {
        var o = TrainOptions(model: model)
        o.netG = netG ?? o.netG
        o.netD = netD; o.nLayersD = nLayersD; o.ngf = ngf; o.ndf = ndf
        o.norm = norm ?? o.norm
        if let dropout { o.noDropout = !dropout }
        o.initType = initType; o.initGain = initGain; o.nBlocks = nBlocks; o.numDowns = numDowns
        o.ganMode = ganMode ?? o.ganMode
        o.lambdaA = lambdaA; o.lambdaB = lambdaB; o.lambdaIdentity = lambdaIdentity; o.lambdaL1 = lambdaL1
        o.poolSize = poolSize ?? o.poolSize
        o.lr = lr; o.beta1 = beta1; o.lrPolicy = lrPolicy; o.lrDecayIters = lrDecayIters
        o.nEpochs = nEpochs; o.nEpochsDecay = nEpochsDecay
        o.batchSize = batchSize; o.loadSize = loadSize; o.cropSize = cropSize; o.preprocess = preprocess
        o.noFlip = noFlip; o.direction = direction; o.serialBatches = serialBatches
        o.maxDatasetSize = maxDatasetSize; o.prefetch = prefetch
        o.seed = seed; o.saveEpochFreq = saveEpochFreq; o.saveLatestFreq = saveLatestFreq; o.displayFreq = displayFreq; o.maxSteps = maxSteps
        return o
    }
}
