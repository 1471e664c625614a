import Foundation
import MorphCheckpoint
import MorphModels
import MorphNN
import MorphTensor

/// The model side of a GAN translator: a `TrainableModel` whose batches are A/B image pairs and whose
/// `step` performs the reference's `optimize_parameters`. The shared loop (`Trainer`) handles
/// epochs, schedules, logging, checkpoints and the report.
public protocol TranslationModel: TrainableModel {
    /// One training step on a batch; returns every loss by name.
    func step(realA: Tensor, realB: Tensor) throws -> [String: Float]
}

extension TranslationModel {
    /// The loop's step: the pair's A and B images.
    public func train(on batch: ImagePair) throws -> [String: Float] { try step(realA: batch.a, realB: batch.b) }
}

/// Builds the networks of a run from its options: the registry's architecture, then the reference's
/// `init_weights` (`--init-type`, `--init-gain`) drawn from a generator seeded by the run seed.
enum NetworkFactory {
    static func build(_ architecture: ArchitectureConfiguration, options: TrainOptions,
                      salt: UInt64) throws -> MorphModel {
        let t = try options.translationOnly()
        let seed = EpochPlan.mix(options.seed, 0x4E45_5453, salt)
        let net = try ArchitectureRegistry.build(architecture, seed: seed)
        var rng = SeededRNG(seed: seed ^ 0x494E_4954)
        initWeights(net, type: t.initType, gain: Float(t.initGain), rng: &rng)
        net.train()
        return net
    }

    static func adam(_ params: [Tensor], _ options: TrainOptions) -> Adam {
        Adam(parameters: params, lr: options.lr, betas: (options.beta1, 0.999))
    }
}

/// CycleGAN (Zhu et al., ICCV 2017): generators G_A: A→B and G_B: B→A, discriminators D_A (on B) and
/// D_B (on A), trained as `cycle_gan_model.CycleGANModel.optimize_parameters`:
/// forward both cycles; with D_A and D_B frozen, G loss = GAN(D_A(G_A(A))) + GAN(D_B(G_B(B)))
/// + λA·|G_B(G_A(A)) − A|₁ + λB·|G_A(G_B(B)) − B|₁ + identity terms λB·λid·|G_A(B) − B|₁ + λA·λid·|G_B(A) − A|₁,
/// backward and Adam step; then each D on real vs pooled fake, loss × 0.5, and the D step.
/// With wgangp the D loss adds the gradient penalty at interpolates of the real and pooled fake images
/// (the reference defines `cal_gradient_penalty` but its models never call it; Morph applies it as WGAN-GP says).
public final class CycleGANModel: TranslationModel {
    public let gA: MorphModel, gB: MorphModel, dA: MorphModel, dB: MorphModel
    /// Adam over G_A and G_B's parameters, and over D_A and D_B's.
    public let optimizerG: Adam, optimizerD: Adam
    /// Pools of generated B images (for D_A) and A images (for D_B).
    public let fakeBPool: ImagePool, fakeAPool: ImagePool
    public let gan: GANLoss
    public let lambdaA: Float, lambdaB: Float, lambdaIdentity: Float
    public private(set) var visuals: [(String, Tensor)] = []
    /// Draws the gradient penalty's interpolation weights (wgangp).
    public var penaltyRNG: SeededRNG
    private let architectures: (g: ArchitectureConfiguration, d: ArchitectureConfiguration)
    /// Whether each generator's identity pass shares one batch with its first forward (G_A on A and B together,
    /// G_B on B and A): true when no layer mixes the images of a batch or draws random numbers (instance or no
    /// normalization, no dropout), so each image's result is the one it would get alone. The generators' weights
    /// are then transformed and packed 4 times a step instead of 6. Tests turn it off to compare the two ways.
    var batchesIdentity: Bool

    /// Builds fresh networks for `options`.
    /// - Throws: `ModelError` for an impossible architecture.
    public init(options: TrainOptions) throws {
        let t = try options.translationOnly()
        let g = t.generatorArchitecture
        let d = t.discriminatorArchitecture(inputChannels: t.outputNC, ndf: options.ndf)
        architectures = (g, d)
        gA = try NetworkFactory.build(g, options: options, salt: 1)
        gB = try NetworkFactory.build(g, options: options, salt: 2)
        dA = try NetworkFactory.build(d, options: options, salt: 3)
        dB = try NetworkFactory.build(t.discriminatorArchitecture(inputChannels: t.inputNC, ndf: options.ndf), options: options,
                                      salt: 4)
        optimizerG = NetworkFactory.adam(gA.parameters() + gB.parameters(), options)
        optimizerD = NetworkFactory.adam(dA.parameters() + dB.parameters(), options)
        fakeBPool = ImagePool(size: t.poolSize, seed: EpochPlan.mix(options.seed, 0x504F_4F4C, 1))
        fakeAPool = ImagePool(size: t.poolSize, seed: EpochPlan.mix(options.seed, 0x504F_4F4C, 2))
        gan = GANLoss(mode: t.ganMode)
        lambdaA = Float(t.lambdaA)
        lambdaB = Float(t.lambdaB)
        lambdaIdentity = Float(t.lambdaIdentity)
        penaltyRNG = SeededRNG(seed: EpochPlan.mix(options.seed, 0x5747_4750, 1))
        batchesIdentity = t.norm != .batch && t.noDropout
    }

    public var generators: [String: SeededRNG] {
        get { ["penalty": penaltyRNG] }
        set { if let r = newValue["penalty"] { penaltyRNG = r } }
    }

    public var networks: [(name: String, net: MorphModel, architecture: ArchitectureConfiguration)] {
        [("G_A", gA, architectures.g), ("G_B", gB, architectures.g), ("D_A", dA, architectures.d), ("D_B", dB, architectures.d)]
    }
    public var optimizers: [(name: String, optimizer: Adam)] { [("G", optimizerG), ("D", optimizerD)] }
    public var pools: [(name: String, pool: ImagePool)] { [("fake_B", fakeBPool), ("fake_A", fakeAPool)] }
    public var lossNames: [String] { ["D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B"] }
    public var headlineLoss: String { "cycle_A" }

    public func step(realA: Tensor, realB: Tensor) throws -> [String: Float] {
        // Forward both cycles (with the identity passes when they share the first forward's batch).
        let fakeB: Tensor, fakeA: Tensor, identityA: Tensor?, identityB: Tensor?
        if lambdaIdentity > 0 && batchesIdentity && realA.shape == realB.shape {
            let n = realA.shape[0]
            let outA = try gA(try Tensor.concat([realA, realB], dim: 0))
            (fakeB, identityA) = (try outA.slice(dim: 0, 0..<n), try outA.slice(dim: 0, n..<2 * n))
            let outB = try gB(try Tensor.concat([realB, realA], dim: 0))
            (fakeA, identityB) = (try outB.slice(dim: 0, 0..<n), try outB.slice(dim: 0, n..<2 * n))
        } else {
            (fakeB, fakeA, identityA, identityB) = (try gA(realA), try gB(realB), nil, nil)
        }
        let recA = try gB(fakeB)
        let recB = try gA(fakeA)

        // Generators, with the discriminators frozen.
        dA.setRequiresGrad(false)
        dB.setRequiresGrad(false)
        optimizerG.zeroGrad()
        var lossIdtA = Tensor(scalar: 0), lossIdtB = Tensor(scalar: 0)
        if lambdaIdentity > 0 {
            lossIdtA = try Tensor.l1Loss(try identityA ?? gA(realB), realB) * (lambdaB * lambdaIdentity)
            lossIdtB = try Tensor.l1Loss(try identityB ?? gB(realA), realA) * (lambdaA * lambdaIdentity)
        }
        let lossGA = try gan(try dA(fakeB), isReal: true)
        let lossGB = try gan(try dB(fakeA), isReal: true)
        let lossCycleA = try Tensor.l1Loss(recA, realA) * lambdaA
        let lossCycleB = try Tensor.l1Loss(recB, realB) * lambdaB
        let lossG = try lossGA + lossGB + lossCycleA + lossCycleB + lossIdtA + lossIdtB
        try lossG.backward()
        try optimizerG.step()

        // Discriminators on real images against pooled fakes.
        dA.setRequiresGrad(true)
        dB.setRequiresGrad(true)
        optimizerD.zeroGrad()
        let lossDA = try discriminatorLoss(dA, real: realB, fake: try fakeBPool.query(fakeB))
        try lossDA.backward()
        let lossDB = try discriminatorLoss(dB, real: realA, fake: try fakeAPool.query(fakeA))
        try lossDB.backward()
        try optimizerD.step()

        visuals = try [("real_A", realA), ("fake_B", fakeB), ("rec_A", recA),
                       ("real_B", realB), ("fake_A", fakeA), ("rec_B", recB)].map { ($0.0, try first($0.1)) }
        return ["D_A": lossDA.item, "G_A": lossGA.item, "cycle_A": lossCycleA.item, "idt_A": lossIdtA.item,
                "D_B": lossDB.item, "G_B": lossGB.item, "cycle_B": lossCycleB.item, "idt_B": lossIdtB.item,
                "G": lossG.item]
    }

    /// The reference's `backward_D_basic` loss: (GAN(D(real), real) + GAN(D(fake), fake)) × 0.5,
    /// plus the gradient penalty for wgangp.
    private func discriminatorLoss(_ d: MorphModel, real: Tensor, fake: Tensor) throws -> Tensor {
        let lossReal = try gan(try d(real), isReal: true)
        let lossFake = try gan(try d(fake.detached()), isReal: false)
        let loss = try (lossReal + lossFake) * 0.5
        guard gan.mode == .wgangp else { return loss }
        let alpha = (0..<real.shape[0]).map { _ in penaltyRNG.nextUniform() }
        return try loss + GradientPenalty.penalty(d, real: real, fake: fake, alpha: alpha)
    }
}

/// pix2pix (Isola et al., CVPR 2017): one generator G: A→B and a conditional discriminator D on
/// concat(A, B), trained as `pix2pix_model.Pix2PixModel.optimize_parameters`: forward G; the D step
/// first — (GAN(D(A, G(A)), fake) + GAN(D(A, B), real)) × 0.5 — then, with D frozen, the G step on
/// GAN(D(A, G(A)), real) + λL1·|G(A) − B|₁. The reference uses no image pool here. With wgangp the
/// D loss adds the gradient penalty at interpolates of concat(A, B) and concat(A, G(A)).
public final class Pix2PixModel: TranslationModel {
    public let g: MorphModel, d: MorphModel
    public let optimizerG: Adam, optimizerD: Adam
    public let gan: GANLoss
    public let lambdaL1: Float
    public private(set) var visuals: [(String, Tensor)] = []
    /// Draws the gradient penalty's interpolation weights (wgangp).
    public var penaltyRNG: SeededRNG
    private let architectures: (g: ArchitectureConfiguration, d: ArchitectureConfiguration)

    /// Builds fresh networks for `options`.
    /// - Throws: `ModelError` for an impossible architecture.
    public init(options: TrainOptions) throws {
        let t = try options.translationOnly()
        let gs = t.generatorArchitecture
        let ds = t.discriminatorArchitecture(inputChannels: t.inputNC + t.outputNC, ndf: options.ndf)
        architectures = (gs, ds)
        g = try NetworkFactory.build(gs, options: options, salt: 1)
        d = try NetworkFactory.build(ds, options: options, salt: 3)
        optimizerG = NetworkFactory.adam(g.parameters(), options)
        optimizerD = NetworkFactory.adam(d.parameters(), options)
        gan = GANLoss(mode: t.ganMode)
        lambdaL1 = Float(t.lambdaL1)
        penaltyRNG = SeededRNG(seed: EpochPlan.mix(options.seed, 0x5747_4750, 1))
    }

    public var generators: [String: SeededRNG] {
        get { ["penalty": penaltyRNG] }
        set { if let r = newValue["penalty"] { penaltyRNG = r } }
    }

    public var networks: [(name: String, net: MorphModel, architecture: ArchitectureConfiguration)] {
        [("G", g, architectures.g), ("D", d, architectures.d)]
    }
    public var optimizers: [(name: String, optimizer: Adam)] { [("G", optimizerG), ("D", optimizerD)] }
    public var pools: [(name: String, pool: ImagePool)] { [] }
    public var lossNames: [String] { ["G_GAN", "G_L1", "D_real", "D_fake"] }
    public var headlineLoss: String { "G_L1" }

    public func step(realA: Tensor, realB: Tensor) throws -> [String: Float] {
        let fakeB = try g(realA)

        // Discriminator first.
        d.setRequiresGrad(true)
        optimizerD.zeroGrad()
        let lossDFake = try gan(try d(try Tensor.concat([realA, fakeB.detached()], dim: 1)), isReal: false)
        let lossDReal = try gan(try d(try Tensor.concat([realA, realB], dim: 1)), isReal: true)
        var lossD = try (lossDFake + lossDReal) * 0.5
        if gan.mode == .wgangp {
            let alpha = (0..<realA.shape[0]).map { _ in penaltyRNG.nextUniform() }
            lossD = try lossD + GradientPenalty.penalty(d, real: try Tensor.concat([realA, realB], dim: 1),
                                                        fake: try Tensor.concat([realA, fakeB.detached()], dim: 1),
                                                        alpha: alpha)
        }
        try lossD.backward()
        try optimizerD.step()

        // Then the generator against the updated, frozen discriminator.
        d.setRequiresGrad(false)
        optimizerG.zeroGrad()
        let lossGGAN = try gan(try d(try Tensor.concat([realA, fakeB], dim: 1)), isReal: true)
        let lossGL1 = try Tensor.l1Loss(fakeB, realB) * lambdaL1
        let lossG = try lossGGAN + lossGL1
        try lossG.backward()
        try optimizerG.step()
        d.setRequiresGrad(true)

        visuals = try [("real_A", realA), ("fake_B", fakeB), ("real_B", realB)].map { ($0.0, try first($0.1)) }
        return ["G_GAN": lossGGAN.item, "G_L1": lossGL1.item, "D_real": lossDReal.item, "D_fake": lossDFake.item,
                "D": lossD.item, "G": lossG.item]
    }
}

/// The first image of a batch, detached.
func first(_ batch: Tensor) throws -> Tensor {
    try withoutGrad { batch.shape[0] == 1 ? batch.detached() : try batch.slice(dim: 0, 0..<1) }
}

/// Builds the model `options.model` names.
/// - Throws: `ModelError` for an impossible architecture, `TrainError` for bad options.
public func makeTranslationModel(_ options: TrainOptions) throws -> TranslationModel {
    try options.validate()
    switch options.model {
    case .cyclegan: return try CycleGANModel(options: options)
    case .pix2pix: return try Pix2PixModel(options: options)
    case .sr, .inpaint:
        throw TrainError.badOption(option: "model", value: options.model.rawValue, "is not a translation model")
    }
}

extension TrainOptions {
    /// The translation options of a CycleGAN or pix2pix run.
    /// - Throws: `TrainError.badOption` for runs of other kinds.
    func translationOnly() throws -> TranslationTrainOptions {
        guard let t = translation else {
            throw TrainError.badOption(option: "model", value: model.rawValue, "is not a translation model")
        }
        return t
    }
}
