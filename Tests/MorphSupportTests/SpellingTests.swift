import XCTest
import MorphSupport

/// The one "did you mean" rule of options, recipe keys and commands.
final class SpellingTests: XCTestCase {
    func testEditDistanceCountsSingleCharacterEdits() {
        XCTAssertEqual(Spelling.editDistance("", ""), 0)
        XCTAssertEqual(Spelling.editDistance("", "abc"), 3)
        XCTAssertEqual(Spelling.editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(Spelling.editDistance("tiel", "tile"), 2)
        XCTAssertEqual(Spelling.editDistance("lamda-a", "lambda-a"), 1)
    }

    func testNearMissesAreSuggestedRegardlessOfCaseAndUnderscores() {
        let train = ["lambda-a", "lambda-b", "lambda-identity", "lambda-l1", "lr", "ngf", "ndf", "net-g", "n-layers-d"]
        XCTAssertEqual(Spelling.nearest("lamda-A", among: train), "lambda-a")
        XCTAssertEqual(Spelling.nearest("lambda_B", among: train), "lambda-b")
        XCTAssertEqual(Spelling.nearest("n_layers_D", among: train), "n-layers-d", "the reference's spelling")
        XCTAssertEqual(Spelling.nearest("netG", among: train), "net-g")
        XCTAssertEqual(Spelling.nearest("tiel", among: ["tile", "model", "overlap"]), "tile")
    }

    func testFarOrShortWordsGetNoSuggestionAndTiesAreAlphabetical() {
        XCTAssertNil(Spelling.nearest("zzzzzz", among: ["tile", "model"]))
        XCTAssertNil(Spelling.nearest("x", among: ["lr", "ngf"]), "one letter is two edits from any two-letter name")
        XCTAssertNil(Spelling.nearest("tile", among: ["tile"]), "a word is no near miss of itself")
        // "ngg" is one edit from both; the answer must not depend on the order of a Set.
        XCTAssertEqual(Spelling.nearest("ngg", among: ["ngf", "ndg", "ngd"]), "ndg")
        XCTAssertEqual(Spelling.nearest("ngg", among: Set(["ngd", "ngf"])), "ngd")
    }
}
