import Foundation
import MorphImage
import MorphNN
import MorphTensor

/// A normalization layer whose statistics tiled inference can observe and replace.
protocol StatisticsHookable: AnyObject {
    var fixedStatistics: NormStatistics? { get set }
    var statisticsObserver: ((Tensor) throws -> Void)? { get set }
    var usesInputStatistics: Bool { get }
}

extension InstanceNorm2d: StatisticsHookable {}
extension BatchNorm2d: StatisticsHookable {}

/// Finding the layers whose output depends on statistics of the whole input.
enum NormHooks {
    /// InstanceNorm layers, and BatchNorm layers in training mode, in forward order.
    static func layers(of model: Module) -> [StatisticsHookable] {
        model.namedModules().compactMap { $0.1 as? StatisticsHookable }.filter(\.usesInputStatistics)
    }
}

/// Two-pass tiled inference for networks with InstanceNorm (or train-mode BatchNorm): gathering passes run
/// every tile and sum each norm layer's per-channel moments over the part of the tile the tile *owns* (a
/// partition of the image into one region per tile, mapped to each layer's resolution), so every pixel counts
/// once; the final pass normalises every tile with those whole-image statistics and blends as usual.
///
/// The first gathering pass sees tile-local normalization in earlier layers; each further pass uses the
/// previous pass's statistics, making one more layer's statistics exact, so two passes come close to the
/// whole-image result.
enum GlobalNormStatistics {
    /// Per-layer running sums.
    final class Moments {
        var sum: [Double] = [], squares: [Double] = []
        var count = 0

        func statistics() -> NormStatistics {
            NormStatistics(moments: (sum: sum, sumSquares: squares, count: count))
        }
    }

    /// Where the current tile sits and which part of it it owns, in input pixels of the padded image.
    struct TileContext {
        var top = 0, left = 0, height = 1, width = 1
        var ownedRows = 0..<1, ownedColumns = 0..<1
    }

    /// Runs `model` over `x` tiled by `tiler`, with whole-image statistics in `layers`.
    static func run(_ x: Tensor, model: Module, layers: [StatisticsHookable], tiler: Tiler,
                    passes: Int) throws -> Tensor {
        defer {
            for layer in layers {
                layer.fixedStatistics = nil
                layer.statisticsObserver = nil
            }
        }
        let h = x.shape[2], w = x.shape[3]
        let rows = tiler.spans(length: h), columns = tiler.spans(length: w)
        let ownedRows = owned(rows, length: h, alignment: tiler.alignment)
        let ownedColumns = owned(columns, length: w, alignment: tiler.alignment)
        var context = TileContext()
        var statistics: [NormStatistics]?
        for _ in 0..<passes {
            let moments = layers.map { _ in Moments() }
            for (index, layer) in layers.enumerated() {
                layer.fixedStatistics = statistics?[index]
                let acc = moments[index]
                layer.statisticsObserver = { t in try accumulate(t, context: context, into: acc) }
            }
            for (r, rowSpan) in rows.enumerated() {
                let strip = rowSpan.length == h ? x : try slice(x, dim: 2, rowSpan)
                for (c, columnSpan) in columns.enumerated() {
                    let tile = columnSpan.length == w ? strip : try slice(strip, dim: 3, columnSpan)
                    context = TileContext(top: rowSpan.start, left: columnSpan.start, height: rowSpan.length,
                                          width: columnSpan.length, ownedRows: ownedRows[r],
                                          ownedColumns: ownedColumns[c])
                    _ = try model(tile)
                }
            }
            statistics = moments.map { $0.statistics() }
        }
        for (index, layer) in layers.enumerated() {
            layer.statisticsObserver = nil
            layer.fixedStatistics = statistics?[index]
        }
        return try tiler.run(x) { try model($0) }
    }

    /// One region per span, partitioning 0..<length: boundaries halfway through each overlap, on the alignment grid.
    static func owned(_ spans: [TileSpan], length: Int, alignment: Int) -> [Range<Int>] {
        guard spans.count > 1 else { return [0..<length] }
        var bounds = [0]
        for (a, b) in zip(spans, spans.dropFirst()) {
            let middle = (a.end + b.start) / 2
            let aligned = min(max(middle / alignment * alignment, bounds.last ?? 0), length)
            bounds.append(aligned)
        }
        bounds.append(length)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }

    /// Adds the per-channel moments of `t` [1, C, hl, wl] over the owned region mapped to its resolution.
    static func accumulate(_ t: Tensor, context: TileContext, into acc: Moments) throws {
        guard t.rank == 4, t.shape[0] == 1 else {
            throw PipelineError.usage("global norm statistics need a batch of one, got \(t.shape)")
        }
        let c = t.shape[1], hl = t.shape[2], wl = t.shape[3]
        if acc.sum.isEmpty {
            acc.sum = [Double](repeating: 0, count: c)
            acc.squares = acc.sum
        }
        guard acc.sum.count == c else { throw PipelineError.usage("norm layer channels changed between tiles") }
        let fy = Double(hl) / Double(context.height), fx = Double(wl) / Double(context.width)
        func map(_ r: Range<Int>, origin: Int, factor: Double, limit: Int) -> Range<Int> {
            let base = Int((Double(origin) * factor).rounded())
            let lo = Int((Double(r.lowerBound) * factor).rounded()) - base
            let hi = Int((Double(r.upperBound) * factor).rounded()) - base
            let a = min(max(lo, 0), limit), b = min(max(hi, a), limit)
            return a..<b
        }
        let rows = map(context.ownedRows, origin: context.top, factor: fy, limit: hl)
        let cols = map(context.ownedColumns, origin: context.left, factor: fx, limit: wl)
        let data = t.data
        for ch in 0..<c {
            var s = 0.0, q = 0.0
            for y in rows {
                let row = data + (ch * hl + y) * wl
                for x in cols { let v = Double(row[x]); s += v; q += v * v }
            }
            acc.sum[ch] += s
            acc.squares[ch] += q
        }
        acc.count += rows.count * cols.count
    }

    /// Copies `span` along dimension 2 or 3 of a [1, C, H, W] tensor.
    static func slice(_ x: Tensor, dim: Int, _ span: TileSpan) throws -> Tensor {
        try x.slice(dim: dim, span.start..<span.end)
    }
}
