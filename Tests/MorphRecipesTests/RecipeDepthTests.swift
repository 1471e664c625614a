import Foundation
import XCTest
@testable import MorphRecipes

/// Hostile recipes are refused by a flat pre-scan before Yams' recursive composer sees them.
final class RecipeDepthTests: XCTestCase {
    func testDeepNestingIsRefusedBeforeYAMLComposes() throws {
        let hostile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hostile")
        for name in ["deep_recipe.yaml", "deep_block_recipe.yaml"] {
            XCTAssertThrowsError(try RecipeParser.load(hostile.appendingPathComponent(name))) { error in
                XCTAssertTrue("\(error)".contains("nested deeper than 64 levels"), "\(name): \(error)")
                XCTAssertTrue("\(error)".contains(name), "\(error)")
            }
        }
        let flow = "task: upscale\nmodel: morph-sr-x4\ninput: photos\noutput: o\nfoo: " + String(repeating: "[", count: 70)
            + String(repeating: "]", count: 70) + "\n"
        XCTAssertThrowsError(try RecipeParser.parse(flow, file: URL(fileURLWithPath: "/tmp/r.yaml"), environment: RecipeEnvironment(checkFiles: false))) { XCTAssertTrue("\($0)".contains("r.yaml:5:1: nested deeper"), "\($0)") }
        // Brackets inside quotes and comments do not count; ordinary nesting is fine.
        XCTAssertNil(YAMLDepthCheck.problem(in: "a: '" + String(repeating: "[", count: 100) + "' # " + String(repeating: "{", count: 100)))
        XCTAssertNil(YAMLDepthCheck.problem(in: "steps:\n  - task: x\n    options:\n      a: [1, {b: [2]}]\n"))
        let aliases = "a: &x 1\nb: [" + Array(repeating: "*x", count: 65).joined(separator: ", ") + "]\n"
        XCTAssertEqual(YAMLDepthCheck.problem(in: aliases)?.message, "more than 64 aliases")
    }
}
