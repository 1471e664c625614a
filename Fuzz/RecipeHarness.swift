import Foundation
import MorphRecipes

/// The recipe parser on arbitrary text (YAML pre-scan, Yams, then validation), with file checks off.
enum RecipeHarness {
    static let environment = RecipeEnvironment(isBuiltinModel: { $0.hasPrefix("morph-") }, checkFiles: false,
                                               builtinNames: ["morph-sr-x4"])

    static func recipe(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        _ = try? RecipeParser.parse(text, file: URL(fileURLWithPath: "/nonexistent/fuzz/recipe.yaml"), environment: environment)
    }
}
