import ArgumentParser
import MorphInference

/// How large images are split into tiles: shared by translate, upscale and inpaint.
struct TilingOptions: ParsableArguments {
    @Option(help: "Tile size in input pixels: a number, 'auto' (fit the available memory) or 0 (whole image).")
    var tile: String = "auto"

    @Option(help: "Overlap between tiles in input pixels, or 'auto' (the model's receptive field).")
    var overlap: String = "auto"

    func validate() throws {
        if tile != "auto" { guard let n = Int(tile), n >= 0 else { throw ValidationError("--tile must be a number ≥ 0 or 'auto'") } }
        if overlap != "auto" { guard let n = Int(overlap), n >= 0 else { throw ValidationError("--overlap must be a number ≥ 0 or 'auto'") } }
    }

    /// The tile size, nil for auto.
    var tileSize: Int? { Int(tile) }
    /// The overlap, nil for auto.
    var overlapSize: Int? { Int(overlap) }

    /// The tile setting: a size, whole image (0) or auto.
    var tileSetting: TileSetting {
        tileSize.map { .size($0) } ?? .auto
    }
}
