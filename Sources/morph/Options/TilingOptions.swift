import ArgumentParser

/// How large images are split into tiles: shared by translate, upscale and inpaint.
struct TilingOptions: ParsableArguments {
    @Option(parsing: .unconditional,
            help: "Tile size in input pixels: a number, 'auto' (fit the available memory) or 0 (whole image).")
    var tile: String = "auto"

    @Option(parsing: .unconditional, help: "Overlap between tiles in input pixels, or 'auto' (the model's receptive field).")
    var overlap: String = "auto"

    @Option(help: ArgumentHelp("on: raise a --tile/--overlap that would be approximate to the smallest exact one; off: keep it.",
                               valueName: "on|off"))
    var tileExact: Switch = .on

    func validate() throws {
        if tile != "auto" {
            guard let n = Int(tile), n >= 0 else { throw ValidationError("--tile must be a number ≥ 0 or 'auto', got '\(tile)'") }
        }
        if overlap != "auto" {
            guard let n = Int(overlap), n >= 0 else { throw ValidationError("--overlap must be a number ≥ 0 or 'auto', got '\(overlap)'") }
        }
    }

    /// The tile size, nil for auto.
    var tileSize: Int? { Int(tile) }
    /// The overlap, nil for auto.
    var overlapSize: Int? { Int(overlap) }
}

/// An on/off setting.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}
