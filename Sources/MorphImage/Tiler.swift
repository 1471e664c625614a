import Foundation
import MorphTensor

/// One tile's extent along an axis, in input pixels.
public struct TileSpan: Equatable {
    /// First pixel.
    public let start: Int
    /// Number of pixels.
    public let length: Int
    /// One past the last pixel.
    public var end: Int { start + length }
}

/// Runs an image model over overlapping tiles and blends the overlaps with a feathered ramp, so there are no seams.
///
/// The model maps [1, C, h, w] to [1, C', h·s, w·s] for one integer scale s. Tiles are `tileSize` pixels square
/// (0 = the whole image), spread evenly so neighbours overlap by at least `overlap` pixels and border tiles stay
/// inside the image. In each overlap the outer third next to a tile's inner edge gets weight 0 and the middle third
/// ramps linearly, so when `overlap` ≥ 3 × the model's receptive radius every weighted pixel is computed exactly and
/// the blend equals the whole-image output (`autoOverlap(receptiveField:)` picks such an overlap).
public struct Tiler {
    /// The model: [1, C, h, w] → [1, C', h·s, w·s].
    public typealias Model = (Tensor) throws -> Tensor

    /// Tile side in input pixels; 0 runs the whole image at once.
    public let tileSize: Int
    /// Minimum overlap between neighbouring tiles, in input pixels.
    public let overlap: Int
    /// Tile starts are multiples of this (for strided models, whose output is only shift-equivariant by whole
    /// strides); with image sides and `tileSize` multiples of it, every tile starts on the grid.
    public let alignment: Int

    /// A tiler; `overlap` must be smaller than a non-zero `tileSize`.
    public init(tileSize: Int, overlap: Int, alignment: Int = 1) throws {
        guard tileSize >= 0, overlap >= 0, tileSize == 0 || overlap < tileSize, alignment >= 1 else {
            throw ImageError.invalidArgument("tile size \(tileSize), overlap \(overlap), alignment \(alignment): need tile ≥ 0, overlap ≥ 0, overlap < tile and alignment ≥ 1")
        }
        self.tileSize = tileSize
        self.overlap = overlap
        self.alignment = alignment
    }

    /// The overlap that makes tiled output exact for a model whose receptive field is `receptiveField` pixels wide.
    public static func autoOverlap(receptiveField: Int) -> Int {
        let radius = max(receptiveField, 0) / 2
        return max(max(receptiveField, 0), 3 * radius)
    }

    /// The largest tile side (a multiple of 16, at least 16) whose model run fits in `availableMemory` bytes
    /// when the model needs `bytesPerPixel` bytes per input pixel.
    public static func autoTileSize(availableMemory: Int, bytesPerPixel: Int) -> Int {
        guard bytesPerPixel > 0, availableMemory > 0 else { return 16 }
        let side = Int(Double(availableMemory / bytesPerPixel).squareRoot())
        return max(16, side / 16 * 16)
    }

    /// Tiles along an axis of `length` pixels: evenly spread, each `tileSize` long, neighbours overlapping ≥ `overlap`.
    /// With `alignment` > 1 the starts (but the last) are rounded down to multiples of it, adding tiles until
    /// neighbours still overlap by at least `overlap`.
    public static func spans(length: Int, tileSize: Int, overlap: Int, alignment: Int = 1) -> [TileSpan] {
        guard tileSize > 0, length > tileSize else { return [TileSpan(start: 0, length: length)] }
        let step = tileSize - overlap
        let travel = length - tileSize
        let a = max(alignment, 1)
        var count = (length - overlap + step - 1) / step
        while true {
            var starts: [Int] = []
            for i in 0..<count {
                let start = i == count - 1 ? travel : (i * travel + (count - 1) / 2) / (count - 1) / a * a
                if starts.last != start { starts.append(start) }
            }
            let overlapsHold = zip(starts, starts.dropFirst()).allSatisfy { $0 + tileSize - $1 >= overlap }
            if overlapsHold || count > length { return starts.map { TileSpan(start: $0, length: tileSize) } }
            count += 1
        }
    }

    /// Tiles along an axis of `length` pixels with this tiler's settings.
    public func spans(length: Int) -> [TileSpan] {
        Tiler.spans(length: length, tileSize: tileSize, overlap: overlap, alignment: alignment)
    }

    /// Blend weights over a tile's output pixels along one axis: ramps at inner edges, 1 at image borders.
    func weights(_ span: TileSpan, axisLength: Int, scale: Int) -> [Float] {
        let margin = Float(overlap / 3 * scale)
        let ramp = Float(max(1, overlap - 2 * (overlap / 3)) * scale)
        let n = span.length * scale
        let leftInner = span.start > 0, rightInner = span.end < axisLength
        var w = [Float](repeating: 1, count: n)
        for i in 0..<n {
            var v: Float = 1
            if leftInner { v *= min(max((Float(i) - margin + 0.5) / ramp, 0), 1) }
            if rightInner { v *= min(max((Float(n - 1 - i) - margin + 0.5) / ramp, 0), 1) }
            w[i] = v
        }
        return w
    }

    /// Runs `model` over the whole image tile by tile and returns the blended output.
    /// - Throws: `ImageError.invalidArgument` when the input is not [1, C, H, W] or the model's output is not a
    ///   consistent integer-scaled [1, C', h·s, w·s]; rethrows model errors.
    public func run(_ input: Tensor, model: Model) throws -> Tensor {
        guard input.rank == 4, input.shape[0] == 1, input.shape[2] > 0, input.shape[3] > 0 else {
            throw ImageError.invalidArgument("tiler input has shape \(input.shape), expected [1, C, H, W]")
        }
        let h = input.shape[2]
        var accumulator: StripAccumulator?
        for rowSpan in spans(length: h) {
            let strip = rowSpan.length == h ? input : try Tiler.rows(input, rowSpan)
            try accumulateStrip(strip, rowSpan: rowSpan, imageHeight: h, model: model) { scale, channels, width in
                if let accumulator { return accumulator }
                let made = StripAccumulator(channels: channels, capacity: h * scale, width: width)
                accumulator = made
                return made
            }
        }
        guard let accumulator else { throw ImageError.invalidArgument("tiler produced no tiles") }
        accumulator.normalize(rows: accumulator.capacity)
        return accumulator.tensor
    }

    /// Runs the tiles of one strip (input rows `rowSpan`) and adds their horizontally blended output, weighted by the
    /// strip's vertical ramp, into the accumulator `make(scale, channels, outputWidth)` returns; its `firstRow` must be
    /// at or above the strip's first output row.
    func accumulateStrip(_ strip: Tensor, rowSpan: TileSpan, imageHeight: Int, model: Model,
                         make: (Int, Int, Int) throws -> StripAccumulator) throws {
        let width = strip.shape[3]
        let columns = spans(length: width)
        var scale = 0
        var columnWeights: [[Float]] = []
        var columnSum: [Float] = []
        var target: StripAccumulator?
        var rowWeights: [Float] = []
        for (index, span) in columns.enumerated() {
            let tile = columns.count == 1 ? strip : try Tiler.columns(strip, span)
            let out = try model(tile)
            if index == 0 {
                guard out.rank == 4, out.shape[0] == 1, out.shape[2] % rowSpan.length == 0,
                      out.shape[2] / rowSpan.length >= 1, out.shape[3] == span.length * (out.shape[2] / rowSpan.length) else {
                    throw ImageError.invalidArgument("model output \(out.shape) is not an integer-scaled [1, C, \(rowSpan.length)·s, \(span.length)·s]")
                }
                scale = out.shape[2] / rowSpan.length
                columnWeights = columns.map { weights($0, axisLength: width, scale: scale) }
                columnSum = [Float](repeating: 0, count: width * scale)
                for (c, w) in zip(columns, columnWeights) {
                    for i in 0..<w.count { columnSum[c.start * scale + i] += w[i] }
                }
                rowWeights = weights(rowSpan, axisLength: imageHeight, scale: scale)
                let acc = try make(scale, out.shape[1], width * scale)
                guard acc.channels == out.shape[1], acc.width == width * scale,
                      rowSpan.start * scale >= acc.firstRow, rowSpan.end * scale <= acc.firstRow + acc.capacity else {
                    throw ImageError.invalidArgument("model output \(out.shape) does not fit the tiler's output \(acc.channels)×\(acc.width)")
                }
                target = acc
            }
            guard let target, out.shape == [1, target.channels, rowSpan.length * scale, span.length * scale] else {
                throw ImageError.invalidArgument("model output \(out.shape) differs from the first tile's scale \(scale)")
            }
            target.add(out, row: rowSpan.start * scale, column: span.start * scale,
                       columnWeights: columnWeights[index], columnSum: columnSum, rowWeights: rowWeights)
        }
    }

    /// Copies input rows `span` of a [1, C, H, W] tensor.
    static func rows(_ x: Tensor, _ span: TileSpan) throws -> Tensor {
        let c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let out = Tensor(zeros: [1, c, span.length, w], zeroed: false)
        for ch in 0..<c {
            (out.data + ch * span.length * w).update(from: x.data + ch * h * w + span.start * w, count: span.length * w)
        }
        return out
    }

    /// Copies input columns `span` of a [1, C, H, W] tensor.
    static func columns(_ x: Tensor, _ span: TileSpan) throws -> Tensor {
        let c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let out = Tensor(zeros: [1, c, h, span.length], zeroed: false)
        for row in 0..<(c * h) {
            (out.data + row * span.length).update(from: x.data + row * w + span.start, count: span.length)
        }
        return out
    }
}

/// Weighted sums of tile outputs for a band of output rows, with per-row weight totals; can roll down the image.
final class StripAccumulator {
    /// [1, channels, capacity, width] running sums.
    let tensor: Tensor
    let channels: Int, capacity: Int, width: Int
    /// Sum of vertical weights added to each buffered row.
    let rowWeight: UnsafeMutablePointer<Float>
    /// The output row held in buffer row 0.
    private(set) var firstRow = 0

    init(channels: Int, capacity: Int, width: Int) {
        self.channels = channels
        self.capacity = capacity
        self.width = width
        tensor = Tensor(zeros: [1, channels, capacity, width])
        rowWeight = .allocate(capacity: capacity)
        rowWeight.initialize(repeating: 0, count: capacity)
    }

    deinit { rowWeight.deallocate() }

    /// Adds a tile output at output (row, column), weighted by wx[x] / Σwx[column + x] · wy[y].
    func add(_ out: Tensor, row: Int, column: Int, columnWeights: [Float], columnSum: [Float], rowWeights: [Float]) {
        let h = out.shape[2], w = out.shape[3]
        let base = row - firstRow
        columnWeights.withUnsafeBufferPointer { wx in
            columnSum.withUnsafeBufferPointer { sum in
                for c in 0..<channels {
                    for y in 0..<h {
                        let src = out.data + (c * h + y) * w
                        let dst = tensor.data + (c * capacity + base + y) * width + column
                        let wy = rowWeights[y]
                        for x in 0..<w { dst[x] += src[x] * (wx[x] / sum[column + x] * wy) }
                    }
                }
            }
        }
        if column == 0 { for y in 0..<h { rowWeight[base + y] += rowWeights[y] } }
    }

    /// Divides the first `rows` buffered rows by their weight totals.
    func normalize(rows: Int) {
        for y in 0..<rows {
            let total = rowWeight[y]
            let inv: Float = total > 0 ? 1 / total : 0
            for c in 0..<channels {
                let p = tensor.data + (c * capacity + y) * width
                for x in 0..<width { p[x] *= inv }
            }
        }
    }

    /// Drops the first `rows` buffered rows, moving the rest up and clearing the freed rows.
    func shift(rows: Int) {
        let keep = capacity - rows
        for c in 0..<channels {
            let plane = tensor.data + c * capacity * width
            if keep > 0 { memmove(plane, plane + rows * width, keep * width * MemoryLayout<Float>.stride) }
            (plane + max(keep, 0) * width).update(repeating: 0, count: min(rows, capacity) * width)
        }
        if keep > 0 { memmove(rowWeight, rowWeight + rows, keep * MemoryLayout<Float>.stride) }
        (rowWeight + max(keep, 0)).update(repeating: 0, count: min(rows, capacity))
        firstRow += rows
    }
}
