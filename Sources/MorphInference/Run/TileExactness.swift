import Foundation
import MorphImage
import MorphModels

/// Makes `--tile`/`--overlap` honest: tiled output equals whole-image output when every tile overlaps its
/// neighbours by the model's receptive field (`Tiler.autoOverlap`) and is at least twice that overlap. A norm-free
/// model, or a model with normalization whose statistics are settled globally, is exact under those numbers; smaller
/// ones are raised to the smallest exact values, and the user is told once. With `exact` off the numbers are kept
/// and the user is warned that the output is approximate. Models whose output depends on the whole image
/// (no receptive field) and `--norm-stats tile` (approximate by choice) are left alone.
public struct TileExactness {
    /// The adjusted options.
    public let options: InferenceOptions
    /// The one line to print on stderr (what was raised, or the warning), or nil when nothing needs saying.
    public let note: String?

    /// The smallest exact overlap and tile for a model with receptive radius `radius` and size multiple `multiple`.
    public static func exactOverlap(radius: Int) -> Int { Tiler.autoOverlap(receptiveField: 2 * radius) }

    /// The smallest exact tile side: twice the exact overlap, rounded up to the size multiple.
    public static func exactTile(radius: Int, multiple: Int) -> Int {
        let m = max(multiple, 1)
        return max(m, (2 * exactOverlap(radius: radius) + m - 1) / m * m)
    }

    /// Checks `options` for `traits`; `exact` false keeps approximate numbers with a warning.
    /// - Throws: `PipelineError.usage` for a tile below the model's size multiple.
    public init(_ options: InferenceOptions, traits: ModelTraits, exact: Bool = true) throws {
        let m = max(traits.sizeMultiple, 1)
        if case let .size(n) = options.tile, n > 0, n < m {
            throw PipelineError.usage("--tile \(n) is below the model's size multiple \(m); use --tile \(m) or more, or 0 for the whole image")
        }
        guard let radius = traits.receptiveFieldRadius,
              !(traits.hasNormalization && options.normStatistics == .tile) else {
            self.options = options
            note = nil
            return
        }
        let overlap = Self.exactOverlap(radius: radius), tile = Self.exactTile(radius: radius, multiple: m)
        var adjusted = options
        var raised: [String] = []
        var given: [String] = []
        if let o = options.overlap, o < overlap {
            given.append("--overlap \(o)")
            raised.append("--overlap \(overlap)")
            adjusted.overlap = overlap
        }
        if case let .size(n) = options.tile, n > 0, n < tile {
            given.insert("--tile \(n)", at: 0)
            raised.insert("--tile \(tile)", at: 0)
            adjusted.tile = .size(tile)
        }
        guard !raised.isEmpty else {
            self.options = options
            note = nil
            return
        }
        let why = "the model's receptive field is \(2 * radius + 1) px"
        if exact {
            self.options = adjusted
            note = "\(given.joined(separator: " ")) would make tiled output differ from the whole image (\(why)); "
                + "using \(raised.joined(separator: " ")), the smallest exact values (--tile-exact off keeps yours)"
        } else {
            self.options = options
            note = "warning: \(given.joined(separator: " ")) is approximate (\(why); exact needs "
                + "\(raised.joined(separator: " "))): tile seams may show"
        }
    }
}
