import ArgumentParser
import Foundation
import MorphInference
import MorphRecipes
import MorphTrain

/// `morph run`: runs a YAML recipe (translate, upscale, inpaint and train steps, chained).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a recipe: steps of translate, upscale, inpaint and train, a step without 'input' chained to the one before.",
        discussion: """
        The whole recipe is validated first, and every problem is listed as FILE:LINE:COLUMN. --shard i/n takes \
        every n-th file (from the i-th) of the sorted file list, so n processes together cover every file exactly \
        once. Each output folder gets a manifest (input, output, model hash, status); a re-run skips files done \
        with the same model. Exit codes: 0 all done, 1 some files failed, 2 recipe, usage or model error.
        """)

    @Argument(help: "The recipe (YAML).")
    var recipe: String

    @Flag(help: "List what would be done to each file, and do nothing.")
    var dryRun = false

    @Option(help: "Take shard i of n (0 ≤ i < n) of the files, e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT.")
    var shard: Shard = .all

    @Option(help: "Replace the first step's input folder (or file).")
    var input: String?

    @Option(help: "Replace the last step's output folder.")
    var output: String?

    func run() throws {
        let summary = try CLIFailure.guarding {
            let parsed = try RecipeRunner.load(URL(fileURLWithPath: recipe), input: input.map { URL(fileURLWithPath: $0) },
                                               output: output.map { URL(fileURLWithPath: $0) }, dryRun: dryRun)
            return try RecipeRunner(recipe: parsed, options: RecipeRunOptions(shard: shard, dryRun: dryRun)).run()
        }
        CLIFailure.summariseWarnings()
        if !dryRun { print(summary.report) }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
