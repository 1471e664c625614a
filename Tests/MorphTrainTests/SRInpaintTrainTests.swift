import Foundation
import XCTest
import MorphCheckpoint
import MorphImage
import MorphModels
import MorphTensor
import MorphTrain
import TestSupport

/// The SR and inpainting trainers: one step of each against PyTorch (`gen/srtrain.py`), learning on a real
/// photo, exact resume with the weight average, and one-line errors naming the file.
///
/// The photo `Tests/Fixtures/photos/chelsea_crop.png` is a 192×192 crop of scikit-image's `chelsea.png`
/// (skimage.data.chelsea: "No copyright restrictions. CC0 by the photographer (Stefan van der Walt).").
final class SRInpaintTrainTests: XCTestCase {
    static var photo: URL { Fixture.directory.appendingPathComponent("photos/chelsea_crop.png") }

    /// Tiny ESRGAN options: srvgg ×4 (8 features, 2 convs), VGG-style D with 4 features at 128², RaGAN.
    static func tinyESRGAN() -> TrainOptions {
        var o = TrainOptions(model: .sr)
        var sr = SRTrainOptions()
        sr.arch = .srvgg; sr.scale = 4; sr.gtSize = 128; sr.gan = true; sr.ganType = .ragan
        sr.numFeat = 8; sr.numConv = 2
        o.ndf = 4
        o.sr = sr
        return o
    }

    /// One SR training step on `tinyESRGAN()` (adjusted by `configure`) against PyTorch's fixture `name`.
    @discardableResult
    func checkSRStep(_ name: String, gradientRtol: Float = 1e-4,
                     _ configure: (inout TrainOptions) -> Void = { _ in }) throws -> SRModel {
        let fx = try Fixture.load(name)
        var o = SRInpaintTrainTests.tinyESRGAN()
        configure(&o)
        let model = try SRModel(options: o)
        try StepParity.check(model, fx, lossNames: ["l_pix", "l_g_gan", "l_d_real", "l_d_fake"], lr: 2e-4,
                             gradientRtol: gradientRtol) {
            try model.step(lq: try fx.copy("lq"), gt: try fx.copy("gt"))
        }
        return model
    }

    /// D's `linear2.bias` gradient sums the relativistic loss over the batch, and PyTorch's own float32 step misses
    /// the 1e-4 relative tolerance against its float64 fixture there by 4.0× (`Tests/Fixtures/float32_margins.py
    /// srtrain`, 2026-12-05), Morph's by 3.3× (whether it passes depends on the order of its sums). So this fixture's
    /// gradients get 5e-4, still inside what float32 itself gives.
    func testSRStepMatchesPyTorch() throws {
        let model = try checkSRStep("train_sr_step", gradientRtol: 5e-4)
        XCTAssertEqual(model.pixelWeight, 1e-2)
        XCTAssertEqual(model.ganWeight, 5e-3)
    }

    /// G's gradients here reach it through D's input gradients, and `body.5.weight`'s are rounding-sensitive:
    /// PyTorch's own float32 step misses the 1e-4 relative tolerance against its float64 fixture there by 1.59×
    /// (`Tests/Fixtures/float32_margins.py srtrain`, 2026-12-05), Morph's (whose stride-2 4×4 convs run Winograd
    /// F(2×2, 2×2)) by 1.03×. So this fixture's gradients get 2e-4, still inside what float32 itself gives.
    func testSRGANVanillaStepMatchesPyTorch() throws {
        try checkSRStep("train_srgan_step", gradientRtol: 2e-4) { $0.sr?.ganType = .vanilla }
    }

    /// Real-ESRGAN's pairing: the U-Net discriminator with spectral norm and the vanilla GAN on its per-pixel logits.
    func testRealESRGANUNetDiscriminatorStepMatchesPyTorch() throws {
        let model = try checkSRStep("train_realesrgan_unet_step") {
            $0.sr?.ganType = .vanilla
            $0.sr?.discriminator = .unet
        }
        XCTAssertEqual(model.networks.map(\.architecture.name), ["srvgg", "unet_discriminator_sn"])
        // Any crop divisible by 8 suits it; the VGG-style one needs 128 or 256.
        var odd = try XCTUnwrap(SRInpaintTrainTests.tinyESRGAN().sr)   // --gan, ×4
        odd.discriminator = .unet
        odd.gtSize = 96
        XCTAssertNoThrow(try odd.validate())
        odd.gtSize = 100
        XCTAssertThrowsError(try odd.validate())
        odd.gtSize = 96
        odd.discriminator = nil
        XCTAssertThrowsError(try odd.validate())
    }

    func testInpaintStepMatchesPyTorch() throws {
        let fx = try Fixture.load("train_inpaint_step")
        var o = TrainOptions(model: .inpaint)
        o.ndf = 4
        var inpaint = InpaintTrainOptions()
        inpaint.cropSize = 24
        inpaint.cnum = 4; inpaint.discriminatorLayers = 3
        o.inpaint = inpaint
        let model = try InpaintModel(options: o)
        try StepParity.check(model, fx, lossNames: ["G_L1", "G_GAN", "D_real", "D_fake"], lr: o.lr) {
            try model.step(image: try fx.copy("image"), mask: try fx.copy("mask"))
        }
    }

    /// `--net-g ffc`: the same step with the small LaMa generator in train mode (its batch norms, the Fourier units'
    /// included, normalise by the batch and update their running statistics, which the fixture checks too).
    func testInpaintFFCStepMatchesPyTorch() throws {
        let fx = try Fixture.load("train_inpaint_ffc_step")
        var o = TrainOptions(model: .inpaint)
        o.ndf = 4
        var inpaint = InpaintTrainOptions()
        inpaint.cropSize = 32
        inpaint.netG = .ffc; inpaint.ngf = 4; inpaint.nBlocks = 1; inpaint.discriminatorLayers = 3
        o.inpaint = inpaint
        let model = try InpaintModel(options: o)
        XCTAssertEqual(model.networks[0].architecture.name, "ffc_inpaint")
        try StepParity.check(model, fx, lossNames: ["G_L1", "G_GAN", "D_real", "D_fake"], lr: o.lr) {
            try model.step(image: try fx.copy("image"), mask: try fx.copy("mask"))
        }
    }

    /// Writes the photo's top 128 rows as `a_train.png` and its bottom 64 rows as `b_heldout.png`
    /// (the last image in sorted order is held out by the crop datasets).
    private func photoFolder(_ root: URL) throws -> (train: URL, heldOut: URL) {
        let image = try ImageLoader.load(SRInpaintTrainTests.photo)
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let train = data.appendingPathComponent("a_train.png"), heldOut = data.appendingPathComponent("b_heldout.png")
        try ImageWriter.save(try image.cropped(x: 0, y: 0, width: 192, height: 128), to: train)
        try ImageWriter.save(try image.cropped(x: 0, y: 128, width: 192, height: 64), to: heldOut)
        return (train, heldOut)
    }

    /// 300 steps of L1 pretraining of a small srvgg ×2 on 32² crops beat bicubic upscaling on 12 held-back crops.
    func testSRPretrainingBeatsBicubicOnHeldOutCrops() throws {
        let root = try TrainTestData.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, heldOut) = try photoFolder(root)
        var o = TrainOptions(model: .sr)
        var sr = SRTrainOptions()
        sr.arch = .srvgg; sr.scale = 2; sr.gtSize = 32; sr.numFeat = 32; sr.numConv = 4; sr.cropsPerEpoch = 400
        o.sr = sr
        o.lr = 1e-3; o.batchSize = 8; o.maxSteps = 300; o.displayFreq = 100; o.seed = 3
        let trainer = try Trainer(options: o, data: root.appendingPathComponent("data"),
                                  run: root.appendingPathComponent("run"), resume: false)
        let sourceFiles = (trainer.dataset as? SRDataset)?.trainingFiles.map(\.lastPathComponent)
        XCTAssertEqual(sourceFiles, ["a_train.png"], "the held-out image is not trained on")
        guard let model = trainer.model as? SRModel else { return XCTFail("not an SR model") }

        let image = try ImageTensorCodec.load(heldOut, range: .zeroToOne).rgb
        let degradation = SRDegradation(kind: .bicubic, scale: 2)
        var crops: [(lr: Tensor, hr: Tensor)] = []
        var rng = SeededRNG(seed: 0)
        for y in stride(from: 0, to: 64, by: 32) {
            for x in stride(from: 0, to: 192, by: 32) {
                let hr = try image.slice(dim: 2, y..<(y + 32)).slice(dim: 3, x..<(x + 32))
                crops.append((try degradation.degrade(hr, rng: &rng), hr))
            }
        }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        let bicubic = mean(try crops.map { try SRModel.psnr(try TensorImageOps.resize($0.lr, width: 32, height: 32, kernel: .cubic), $0.hr) })
        let before = mean(try crops.map { try SRModel.psnr(model.g, lr: $0.lr, hr: $0.hr) })
        let start = Date()
        try trainer.train()
        let after = mean(try crops.map { try SRModel.psnr(model.g, lr: $0.lr, hr: $0.hr) })
        print(String(format: "SR ×2 on held-out crops: bicubic %.2f dB, untrained %.2f dB, after 300 steps %.2f dB (%+.2f dB over bicubic) in %.1f s",
                     bicubic, before, after, after - bicubic, Date().timeIntervalSince(start)))
        XCTAssertGreaterThan(after, bicubic, "the trained model beats bicubic on held-out crops")
        XCTAssertGreaterThan(after, before + 1)
        // The PSNR curve: measured every display-freq steps, logged, drawn in the report.
        let log = try String(contentsOf: root.appendingPathComponent("run/log.csv"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        XCTAssertEqual(lines.first, "iteration,epoch,l_pix,psnr,lr,seconds")
        let psnrs = lines.dropFirst().compactMap { Double($0.split(separator: ",")[3]) }.filter { $0.isFinite }
        XCTAssertEqual(psnrs.count, 3, "psnr at steps 100, 200, 300")
        let report = try String(contentsOf: root.appendingPathComponent("run/report.html"), encoding: .utf8)
        for needle in ["aria-label=\"psnr\"", "alt=\"LR\"", "alt=\"SR\"", "alt=\"HR\""] {
            XCTAssertTrue(report.contains(needle), "report shows \(needle)")
        }
    }

    /// 300 steps of L1 inpainting training: the generator's correction convolution leaves zero, the L1 inside the
    /// holes of fixed held-out crops stays within 2% of the pull–push fill's (the fresh generator's), and the report
    /// shows the run. In so few steps the correction does not beat the fill: measured 0.0776 (fill) → 0.0785, 1.2%
    /// worse, so this is a bound on harm, not a gain; `BuiltinInpaintTests` measures the shipped model against a
    /// mean-colour fill on a held-out photo.
    func testInpaintTrainingReachesTheCorrectionAndStaysWithinTwoPercentOfTheFill() throws {
        let root = try TrainTestData.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, heldOut) = try photoFolder(root)
        var o = TrainOptions(model: .inpaint)
        o.ndf = 8; o.batchSize = 4; o.lr = 2e-4; o.maxSteps = 300; o.displayFreq = 150; o.seed = 4
        var inpaint = InpaintTrainOptions()
        inpaint.cropSize = 32
        inpaint.cnum = 8; inpaint.discriminatorLayers = 3; inpaint.maskKind = .box; inpaint.cropsPerEpoch = 400
        inpaint.lambdaGAN = 0
        o.inpaint = inpaint
        let trainer = try Trainer(options: o, data: root.appendingPathComponent("data"),
                                  run: root.appendingPathComponent("run"), resume: false)
        guard let model = trainer.model as? InpaintModel else { return XCTFail("not an inpainting model") }
        let image = try ImageTensorCodec.load(heldOut, range: .minusOneToOne).rgb
        let masks = MaskGenerator(kind: .mixed)
        var rng = SeededRNG(seed: 9)
        let held = try stride(from: 0, to: 192, by: 32).flatMap { x in
            try [0, 32].map { y in
                (try image.slice(dim: 2, y..<(y + 32)).slice(dim: 3, x..<(x + 32)), masks.make(height: 32, width: 32, rng: &rng))
            }
        }
        func holeL1() throws -> Float {
            try held.map { try InpaintModel.holeL1(model.g, image: $0.0, mask: $0.1) }.reduce(0, +) / Float(held.count)
        }
        let fill = try held.map { crop in
            InpaintModel.holeL1(prediction: try PullPushFill.fill(image: crop.0, mask: crop.1), image: crop.0, mask: crop.1)
        }.reduce(0, +) / Float(held.count)
        let correction = try XCTUnwrap(Dictionary(model.g.namedParameters(), uniquingKeysWith: { a, _ in a })["body.18.weight"])
        XCTAssertEqual(correction.values.map(abs).max(), 0, "a fresh generator returns its fill")
        XCTAssertEqual(try holeL1(), fill, accuracy: 1e-6)
        try trainer.train()
        let after = try holeL1()
        print(String(format: "inpainting: L1 inside the holes of held-out crops %.4f (fill) -> %.4f", fill, after))
        XCTAssertGreaterThan(correction.values.map(abs).max() ?? 0, 1e-4, "training reached the correction")
        XCTAssertLessThanOrEqual(after, 1.02 * fill)
        let report = try String(contentsOf: root.appendingPathComponent("run/report.html"), encoding: .utf8)
        for needle in ["alt=\"masked\"", "alt=\"output\"", "alt=\"composite\"", "alt=\"real\"", "aria-label=\"hole_l1\"",
                       "&quot;cnum&quot; : 8", "&quot;crop_size&quot; : 32"] {
            XCTAssertTrue(report.contains(needle), "report shows \(needle)")
        }
        // An inpainting run has no translation options: neither its report nor its config.json shows them.
        XCTAssertFalse(report.contains("lambda_identity") || report.contains("netG"), "no translation options in the report")
        let config = try String(contentsOf: root.appendingPathComponent("run/config.json"), encoding: .utf8)
        XCTAssertFalse(config.contains("lambda_identity") || config.contains("netG"), config)
    }

    /// Real-ESRGAN's second-order degradation inside a training run: the LR crops it makes are seeded per step, so
    /// a run stopped after 3 steps and resumed to 6 equals 6 uninterrupted steps (weights and log), and the L1 loss
    /// it logs is that of degraded, not bicubic, inputs (the two runs' logs differ).
    func testRealESRGANDegradationTrainsAndResumesExactly() throws {
        let root = try TrainTestData.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: SRInpaintTrainTests.photo, to: data.appendingPathComponent("photo.png"))
        var o = SRInpaintTrainTests.tinyESRGAN()
        o.sr?.gan = false
        o.sr?.gtSize = 64
        o.sr?.degradation = .realesrgan
        o.sr?.cropsPerEpoch = 8
        o.batchSize = 2; o.displayFreq = 3; o.prefetch = 2; o.seed = 5
        o.maxSteps = 6
        let straight = try Trainer(options: o, data: data, run: root.appendingPathComponent("straight"), resume: false)
        try straight.train()
        var first = o
        first.maxSteps = 3
        try Trainer(options: first, data: data, run: root.appendingPathComponent("resumed"), resume: false).train()
        let resumed = try Trainer(options: o, data: nil, run: root.appendingPathComponent("resumed"), resume: true)
        try resumed.train()
        XCTAssertEqual(resumed.position.iteration, 6)
        let a = TrainTestData.weights(straight.model), b = TrainTestData.weights(resumed.model)
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for key in a.keys.sorted() where a[key] != b[key] { XCTFail("\(key) differs after resuming") }
        func losses(_ run: String) throws -> [String] {
            try String(contentsOf: root.appendingPathComponent("\(run)/log.csv"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        }
        XCTAssertEqual(try losses("straight"), try losses("resumed"))
        var bicubic = o
        bicubic.sr?.degradation = .bicubic
        try Trainer(options: bicubic, data: data, run: root.appendingPathComponent("bicubic"), resume: false).train()
        XCTAssertNotEqual(try losses("straight").dropFirst(), try losses("bicubic").dropFirst())
    }

    /// SR with GAN and EMA: 6 steps, stop, resume to 12 equals 12 uninterrupted steps exactly (weights,
    /// discriminator statistics, averages, log); the generator file carries params/params_ema and morph.* metadata.
    func testSRResumeWithEMAMatchesUninterruptedRun() throws {
        let root = try TrainTestData.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: SRInpaintTrainTests.photo, to: data.appendingPathComponent("photo.png"))
        var o = SRInpaintTrainTests.tinyESRGAN()
        o.sr?.emaDecay = 0.9
        o.sr?.cropsPerEpoch = 10
        o.batchSize = 2; o.displayFreq = 4; o.prefetch = 2
        o.maxSteps = 12
        let straight = try Trainer(options: o, data: data, run: root.appendingPathComponent("straight"), resume: false)
        try straight.train()
        var first = o
        first.maxSteps = 7
        try Trainer(options: first, data: data, run: root.appendingPathComponent("resumed"), resume: false).train()
        let resumed = try Trainer(options: o, data: nil, run: root.appendingPathComponent("resumed"), resume: true)
        XCTAssertEqual(resumed.position.iteration, 7)
        try resumed.train()
        XCTAssertEqual(resumed.position.iteration, straight.position.iteration)
        XCTAssertEqual(resumed.position.epoch, straight.position.epoch)
        XCTAssertEqual(resumed.position.epochBatch, straight.position.epochBatch)
        let a = TrainTestData.weights(straight.model), b = TrainTestData.weights(resumed.model)
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        XCTAssertTrue(a.keys.contains { $0.hasPrefix("ema.G.") } && a.keys.contains { $0.hasPrefix("D.") })
        for key in a.keys.sorted() where a[key] != b[key] { XCTFail("\(key) differs after resuming") }
        let logA = try String(contentsOf: root.appendingPathComponent("straight/log.csv"), encoding: .utf8)
        let logB = try String(contentsOf: root.appendingPathComponent("resumed/log.csv"), encoding: .utf8)
        func strip(_ s: String) -> [String] { s.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") } }
        XCTAssertEqual(strip(logA), strip(logB), "the same losses and PSNRs, row for row")

        // What `morph upscale --model RUN` loads: the average, with the architecture and scale.
        let url = RunFolder(root.appendingPathComponent("straight")).network("G")
        let checkpoint = try Checkpoint.load(contentsOf: url)
        XCTAssertTrue(checkpoint.tensors.allSatisfy { $0.0.hasPrefix("params.") || $0.0.hasPrefix("params_ema.") })
        XCTAssertEqual(checkpoint.metadata["morph.arch"], "srvgg")
        XCTAssertEqual(checkpoint.metadata["morph.scale"], "4")
        let spec = try checkpoint.architecture()
        XCTAssertEqual(spec.scale, 4)
        guard let model = straight.model as? SRModel, let ema = model.ema else { return XCTFail("no EMA") }
        let loaded = Dictionary(uniqueKeysWithValues: checkpoint.normalized().tensors.map { ($0.0, $0.1.values) })
        XCTAssertEqual(Set(loaded.keys), Set(ema.stateDict.map(\.0)))
        for (key, t) in ema.stateDict { XCTAssertEqual(loaded[key], t.values, "params_ema.\(key)") }
        XCTAssertNotEqual(loaded["body.0.weight"], model.g.stateDict().first { $0.0 == "body.0.weight" }?.1.values)
    }

    /// Resuming with a conflicting --scale, and a --vgg file that is not VGG19: one-line errors naming the file.
    func testBadInputsNameTheFile() throws {
        let root = try TrainTestData.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: SRInpaintTrainTests.photo, to: data.appendingPathComponent("photo.png"))
        try TrainTestData.writePNG([UInt8](repeating: 90, count: 16 * 16 * 3), width: 16, height: 16,
                                   to: data.appendingPathComponent("small.png"))
        var o = TrainOptions(model: .sr)
        var sr = SRTrainOptions()
        sr.arch = .srvgg; sr.scale = 4; sr.gtSize = 32; sr.numFeat = 4; sr.numConv = 1; sr.cropsPerEpoch = 2
        o.sr = sr
        o.batchSize = 1; o.maxSteps = 2
        let run = root.appendingPathComponent("run")
        let trainer = try Trainer(options: o, data: data, run: run, resume: false)
        XCTAssertTrue(trainer.notes.contains { $0.contains("small.png") && $0.contains("skipped") }, "\(trainer.notes)")
        XCTAssertTrue(trainer.notes.contains { $0.contains("perceptual term is off") }, "\(trainer.notes)")
        try trainer.train()
        XCTAssertNoThrow(try SRModel.checkResumeScale(run: run, scale: 4))
        let checkpoint = RunFolder(run).network("G").path
        XCTAssertThrowsError(try SRModel.checkResumeScale(run: run, scale: 2)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(checkpoint + ": "), text)
            XCTAssertTrue(text.contains("×4") && text.contains("×2"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }

        let vgg16 = Fixture.directory.appendingPathComponent("vgg16_tiny.pth")
        var withVGG = o
        withVGG.sr?.vgg = vgg16.path
        XCTAssertThrowsError(try SRModel(options: withVGG)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(vgg16.path) && text.contains("VGG19"), text)
            XCTAssertEqual(text.components(separatedBy: vgg16.path).count, 2, "names the file once: \(text)")
            XCTAssertFalse(text.contains("\n"), text)
        }
        var withGoodVGG = o
        withGoodVGG.sr?.vgg = Fixture.directory.appendingPathComponent("vgg19_tiny.pth").path
        let model = try SRModel(options: withGoodVGG)
        XCTAssertTrue(model.lossNames.contains("l_percep"))
        // The perceptual term enters the step as PerceptualLoss(G(lq), gt) with weight 1.
        guard let perceptual = model.perceptual else { return XCTFail("no perceptual loss") }
        var rng = SeededRNG(seed: 12)
        let gt = Tensor.uniform([1, 3, 32, 32], low: 0, high: 1, rng: &rng)
        let lq = try SRDegradation(kind: .bicubic, scale: 4).degrade(gt, rng: &rng)
        let expected = try withoutGrad { try perceptual(try model.g(lq), gt) }.item
        let losses = try model.step(lq: lq, gt: gt)
        XCTAssertGreaterThan(expected, 0)
        assertClose([losses["l_percep"] ?? .nan], [expected], rtol: 1e-5, atol: 0, "l_percep")
    }
}
