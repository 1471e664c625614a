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
}
