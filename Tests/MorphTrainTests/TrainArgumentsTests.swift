import XCTest
@testable import MorphTrain

/// Training options given by their command-line names (a recipe's train step).
final class TrainArgumentsTests: XCTestCase {
    func testCommandLineNamesSetTypedOptions() throws {
        let o = try TrainOptions(model: .pix2pix).applying([
            "net-g": "resnet_6blocks", "ngf": "16", "n-layers-d": "2", "lambda-l1": "50", "lr": "0.001",
            "dropout": "false", "no-flip": "true", "max-steps": "30", "preprocess": "crop", "crop-size": "128",
            "load-size": "256", "seed": "7",
        ])
        XCTAssertEqual(o.netG, .resnet_6blocks)
        XCTAssertEqual(o.ngf, 16)
        XCTAssertEqual(o.nLayersD, 2)
        XCTAssertEqual(o.lambdaL1, 50)
        XCTAssertEqual(o.lr, 0.001)
        XCTAssertTrue(o.noDropout)
        XCTAssertTrue(o.noFlip)
        XCTAssertEqual(o.maxSteps, 30)
        XCTAssertEqual(o.preprocess, .crop)
        XCTAssertEqual(o.seed, 7)
        // Untouched options keep pix2pix's reference defaults.
        XCTAssertEqual(o.ganMode, .vanilla)
        XCTAssertEqual(o.poolSize, 0)
        XCTAssertEqual(try TrainOptions(model: .cyclegan).applying([:]), TrainOptions(model: .cyclegan))
        XCTAssertTrue(TrainOptions.argumentNames.contains("net-g"))
        XCTAssertTrue(TrainOptions.argumentNames.contains("lambda-identity"))
        XCTAssertFalse(TrainOptions.argumentNames.contains("dataroot"))
    }

    func testBadNamesValuesAndCombinationsNameTheOption() {
        func message(_ arguments: [String: String]) -> String {
            do { _ = try TrainOptions(model: .cyclegan).applying(arguments); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(["ngff": "8"]).hasPrefix("--ngff 8: is not a training option; known: "), message(["ngff": "8"]))
        XCTAssertEqual(message(["ngf": "eight"]), "--ngf eight: must be a number")
        XCTAssertEqual(message(["no-flip": "maybe"]), "--no-flip maybe: must be true or false")
        XCTAssertEqual(message(["net-g": "resnet_99blocks"]), "--net-g resnet_99blocks: is not a valid value here")
        XCTAssertEqual(message(["ngf": "0"]), "--ngf 0: must be positive")
        XCTAssertEqual(message(["crop-size": "512"]), "--crop-size 512: is larger than --load-size 286")
        XCTAssertEqual(message(["crop-size": "512", "load-size": "542"]), "no error")
        XCTAssertEqual(message(["dataroot": "x"]).prefix(14), "--dataroot x: ")
    }

    /// SR and inpainting options live in their own groups (`sr`, `inpaint`) but take the same command-line names.
    func testSRAndInpaintOptionsByTheirCommandLineNames() throws {
        let sr = try TrainOptions(model: .sr).applying([
            "arch": "rrdbnet", "scale": "2", "gt-size": "64", "gan": "true", "gan-type": "vanilla", "num-feat": "16",
            "num-block": "2", "vgg": "weights/vgg19.pth", "discriminator": "unet", "ema-decay": "0.99", "crops-per-epoch": "50", "lr": "1e-4",
        ])
        XCTAssertEqual(sr.sr?.arch, .rrdbnet)
        XCTAssertEqual(sr.sr?.scale, 2)
        XCTAssertEqual(sr.sr?.gtSize, 64)
        XCTAssertEqual(sr.sr?.gan, true)
        XCTAssertEqual(sr.sr?.ganType, .vanilla)
        XCTAssertEqual(sr.sr?.discriminatorKind, .unet)
        XCTAssertEqual(sr.sr?.numFeat, 16)
        XCTAssertEqual(sr.sr?.numBlock, 2)
        XCTAssertEqual(sr.sr?.vgg, "weights/vgg19.pth")
        XCTAssertEqual(sr.sr?.emaDecay, 0.99)
        XCTAssertEqual(sr.sr?.cropsPerEpoch, 50)
        XCTAssertEqual(sr.lr, 1e-4)
        XCTAssertNil(sr.sr?.numConv)
        let inpaint = try TrainOptions(model: .inpaint).applying([
            "cnum": "16", "mask-kind": "box", "lambda-gan": "0", "d-layers": "4", "crop-size": "128",
        ])
        XCTAssertEqual(inpaint.inpaint?.cnum, 16)
        XCTAssertEqual(inpaint.inpaint?.maskKind, .box)
        XCTAssertEqual(inpaint.inpaint?.lambdaGAN, 0)
        XCTAssertEqual(inpaint.inpaint?.discriminatorLayers, 4)
        XCTAssertEqual(inpaint.cropSize, 128)
        for name in ["gt-size", "num-feat", "cnum", "mask-kind", "lambda-gan"] {
            XCTAssertTrue(TrainOptions.argumentNames.contains(name), name)
        }
        func message(_ model: TrainModelKind, _ arguments: [String: String]) -> String {
            do { _ = try TrainOptions(model: model).applying(arguments); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(.cyclegan, ["gt-size": "64"]), "--gt-size 64: is not an option of cyclegan training")
        XCTAssertEqual(message(.sr, ["cnum": "16"]), "--cnum 16: is not an option of sr training")
        XCTAssertEqual(message(.sr, ["gan": "maybe"]), "--gan maybe: must be true or false")
        XCTAssertEqual(message(.inpaint, ["mask-kind": "star"]), "--mask-kind star: is not a valid value here")
        XCTAssertEqual(message(.inpaint, ["cnum": "many"]), "--cnum many: must be a number")
    }
}
