import Foundation
import MorphTrain
import XCTest

/// `config.json`: the common options at the top level and the kind's own under its name, with no options of
/// other kinds; run folders written before the split (one flat struct) still read and resume.
final class TrainOptionsLayoutTests: XCTestCase {
    /// The top-level keys every run had before the split, with an old CycleGAN run's values.
    static let flatCycleGAN: [String: Any] = [
        "model": "cyclegan", "netG": "resnet_9blocks", "netD": "basic", "n_layers_D": 3, "ngf": 4, "ndf": 4,
        "norm": "instance", "no_dropout": true, "init_type": "normal", "init_gain": 0.02, "input_nc": 3, "output_nc": 3,
        "n_blocks": 1, "gan_mode": "lsgan", "lambda_A": 10, "lambda_B": 10, "lambda_identity": 0.5, "lambda_L1": 100,
        "pool_size": 3, "lr": 0.0002, "beta1": 0.5, "lr_policy": "linear", "lr_decay_iters": 50, "n_epochs": 2,
        "n_epochs_decay": 3, "dataroot": "/data", "batch_size": 1, "load_size": 36, "crop_size": 32,
        "preprocess": "resize_and_crop", "no_flip": false, "direction": "AtoB", "serial_batches": false, "prefetch": 4,
        "seed": 0, "save_epoch_freq": 2, "save_latest_freq": 5000, "display_freq": 7,
    ]

    static func decode(_ object: [String: Any]) throws -> TrainOptions {
        try JSONDecoder().decode(TrainOptions.self, from: try JSONSerialization.data(withJSONObject: object))
    }

    func testEachKindWritesOnlyItsOwnOptions() throws {
        for model in TrainModelKind.allCases {
            let data = try JSONEncoder().encode(TrainOptions(model: model))
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let own = ["cyclegan": "translation", "pix2pix": "translation", "sr": "sr", "inpaint": "inpaint"][model.rawValue]!
            let kinds: Set<String> = ["translation", "sr", "inpaint"]
            XCTAssertEqual(Set(object.keys).intersection(kinds), [own], model.rawValue)
            XCTAssertNil(object["netG"], "\(model.rawValue): no translation option at the top level")
            XCTAssertEqual(object["lr"] as? Double, TrainOptions(model: model).lr)
            XCTAssertEqual(try JSONDecoder().decode(TrainOptions.self, from: data), TrainOptions(model: model))
        }
        let sr = try XCTUnwrap(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(TrainOptions(model: .sr))) as? [String: Any])
        XCTAssertFalse(sr.keys.contains("pool_size") || sr.keys.contains("crop_size"), "\(sr.keys.sorted())")
    }

    func testFlatConfigsOfOlderRunsRead() throws {
        let cyclegan = try Self.decode(Self.flatCycleGAN)
        XCTAssertEqual(cyclegan.translation?.ngf, 4)
        XCTAssertEqual(cyclegan.translation?.nBlocks, 1)
        XCTAssertEqual(cyclegan.translation?.poolSize, 3)
        XCTAssertEqual(cyclegan.translation?.cropSize, 32)
        XCTAssertEqual(cyclegan.ndf, 4)
        XCTAssertEqual(cyclegan.displayFreq, 7)
        XCTAssertEqual(cyclegan.dataRoot, "/data")
        XCTAssertNoThrow(try cyclegan.validate())

        var pix2pix = Self.flatCycleGAN
        pix2pix["model"] = "pix2pix"; pix2pix["pool_size"] = 0; pix2pix["netG"] = "unet_128"
        let paired = try Self.decode(pix2pix)
        XCTAssertEqual(paired.translation?.paired, true)
        XCTAssertEqual(paired.translation?.netG, .unet_128)

        // An old inpainting run: translation keys at the top level (ignored now), its crop size and L1 weight there too.
        var inpaint = Self.flatCycleGAN
        inpaint["model"] = "inpaint"; inpaint["crop_size"] = 24; inpaint["lambda_L1"] = 2.5; inpaint["lr"] = 0.0001
        inpaint["inpaint"] = ["cnum": 4, "mask_kind": "box", "lambda_gan": 0.2, "d_layers": 3, "crops_per_epoch": 50]
        let o = try Self.decode(inpaint)
        XCTAssertNil(o.translation)
        XCTAssertEqual(o.inpaint?.cropSize, 24)
        XCTAssertEqual(o.inpaint?.lambdaL1, 2.5)
        XCTAssertEqual(o.inpaint?.cnum, 4)
        XCTAssertEqual(o.inpaint?.maskKind, .box)
        XCTAssertEqual(o.lr, 0.0001)
        XCTAssertNoThrow(try o.validate())

        // An old SR run: its `sr` object is the same; the translation keys beside it are dropped.
        var sr = Self.flatCycleGAN
        sr["model"] = "sr"; sr["batch_size"] = 4
        sr["sr"] = ["arch": "rrdbnet", "scale": 2, "gt_size": 32, "degradation": "bicubic", "gan": false,
                    "gan_type": "ragan", "ema_decay": 0.999, "perceptual_weight": 1, "gan_weight": 0.005, "beta2": 0.99,
                    "crops_per_epoch": 10]
        let s = try Self.decode(sr)
        XCTAssertEqual(s.sr?.arch, .rrdbnet)
        XCTAssertEqual(s.sr?.scale, 2)
        XCTAssertEqual(s.batchSize, 4)
        XCTAssertNil(s.translation)
        let written = try XCTUnwrap(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(s)) as? [String: Any])
        XCTAssertNil(written["netG"], "a rewritten SR config drops the translation keys")
    }

    /// A CycleGAN run whose config.json has the flat layout of older versions resumes where it stopped.
    func testRunWithFlatConfigResumes() throws {
        let root = try TrainTestData.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try TrainTestData.unpaired(root: data, countA: 3, countB: 2, size: 36)
        var o = TrainTestData.tinyCycleGAN()
        o.maxSteps = 3
        let runURL = root.appendingPathComponent("run")
        try Trainer(options: o, data: data, run: runURL, resume: false).train()
        let run = RunFolder(runURL)
        // Rewrite config.json as the flat struct wrote it: the translation options at the top level.
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: run.config)) as? [String: Any])
        let translation = try XCTUnwrap(object.removeValue(forKey: "translation") as? [String: Any])
        object.merge(translation) { old, _ in old }
        XCTAssertEqual(Set(object.keys), Set(Self.flatCycleGAN.keys).union(["max_steps"]))
        try JSONSerialization.data(withJSONObject: object).write(to: run.config)
        var more = TrainOptions(model: .cyclegan)
        more.maxSteps = 5
        let resumed = try Trainer(options: more, data: nil, run: runURL, resume: true)
        XCTAssertEqual(resumed.options.translation, o.translation)
        XCTAssertEqual(resumed.position.iteration, 3)
        XCTAssertEqual(try resumed.train().iteration, 5)
    }
}
