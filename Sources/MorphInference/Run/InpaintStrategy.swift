import Foundation

/// How `morph inpaint` covers a large image (IOPaint's HD strategies).
public enum InpaintStrategy: String, CaseIterable, Sendable {
    /// Each connected hole plus a context margin is cut out, inpainted and pasted back (when the image's longer
    /// side exceeds the trigger size; smaller images run whole). The cost follows the holes, not the image.
    case crop
    /// The whole image is run at most `resizeLimit` pixels on its longer side; only the holes of the result,
    /// upsampled, are pasted back.
    case resize
    /// The whole image at its own size.
    case original
}

/// Inpainting settings: the strategy with its sizes, and mask preparation.
public struct InpaintSettings: Equatable, Sendable {
    /// The strategy (default: crop).
    public var strategy: InpaintStrategy
    /// Context around each hole's bounding box, in pixels, on each side (crop).
    public var cropMargin: Int
    /// Images whose longer side is at most this run whole under the crop strategy.
    public var cropTrigger: Int
    /// The longest side the resize strategy runs at.
    public var resizeLimit: Int
    /// Grow every hole by this many pixels (a square neighbourhood) before inpainting.
    public var maskDilate: Int
    /// Jobs without a mask take their holes from their own alpha channel (transparent means fill).
    public var maskFromAlpha = false

    /// IOPaint's defaults: crop, margin 128, trigger 800, resize limit 1280, no dilation.
    public init(strategy: InpaintStrategy = .crop, cropMargin: Int = 128, cropTrigger: Int = 800,
                resizeLimit: Int = 1280, maskDilate: Int = 0) {
        self.strategy = strategy
        self.cropMargin = cropMargin
        self.cropTrigger = cropTrigger
        self.resizeLimit = resizeLimit
        self.maskDilate = maskDilate
    }
}

/// Hole maps (one byte per pixel, 1 = hole): dilation and the crops the crop strategy runs.
public enum HoleMap {
    /// `hole` grown by `radius` pixels in every direction (a (2r+1)² square), in two separable passes.
    public static func dilated(_ hole: [UInt8], width: Int, height: Int, radius: Int) -> [UInt8] {
        guard radius > 0 else { return hole }
        func pass(_ src: [UInt8], count: Int, lines: Int, step: Int, lineStep: Int) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: src.count)
            for line in 0..<lines {
                let base = line * lineStep
                var last = -radius - 1  // forward: distance to the last hole behind
                for i in 0..<count {
                    if src[base + i * step] != 0 { last = i }
                    if i - last <= radius { out[base + i * step] = 1 }
                }
                var next = count + radius  // backward: distance to the next hole ahead
                for i in stride(from: count - 1, through: 0, by: -1) {
                    if src[base + i * step] != 0 { next = i }
                    if next - i <= radius { out[base + i * step] = 1 }
                }
            }
            return out
        }
        let rows = pass(hole, count: width, lines: height, step: 1, lineStep: width)
        return pass(rows, count: height, lines: width, step: width, lineStep: 1)
    }

    /// The bounding boxes of the 8-connected hole components, in scan order of their first pixel.
    public static func components(_ hole: [UInt8], width: Int, height: Int) -> [PixelRect] {
        var seen = [Bool](repeating: false, count: hole.count)
        var boxes: [PixelRect] = []
        var stack: [Int] = []
        for start in 0..<hole.count where hole[start] != 0 && !seen[start] {
            seen[start] = true
            stack.append(start)
            var x0 = width, y0 = height, x1 = 0, y1 = 0
            while let i = stack.popLast() {
                let x = i % width, y = i / width
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
                for dy in -1...1 {
                    let ny = y + dy
                    guard ny >= 0, ny < height else { continue }
                    for dx in -1...1 {
                        let nx = x + dx, j = ny * width + nx
                        guard nx >= 0, nx < width, hole[j] != 0, !seen[j] else { continue }
                        seen[j] = true
                        stack.append(j)
                    }
                }
            }
            boxes.append(PixelRect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1))
        }
        return boxes
    }

    /// IOPaint's crop around a hole's box: the box grown by `margin` on each side around its centre; where
    /// that leaves the image, the crop is shifted back inside (more context on the other side), then clipped.
    public static func crop(around box: PixelRect, margin: Int, width: Int, height: Int) -> PixelRect {
        func span(_ start: Int, _ length: Int, _ limit: Int) -> (Int, Int) {
            let centre = start + length / 2, size = length + 2 * margin
            var lo = centre - size / 2, hi = lo + size
            if lo < 0 { hi -= lo; lo = 0 }
            if hi > limit { lo -= hi - limit; hi = limit }
            return (max(lo, 0), min(hi, limit))
        }
        let (x0, x1) = span(box.x, box.width, width), (y0, y1) = span(box.y, box.height, height)
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The regions the crop strategy runs: one crop per hole component, overlapping crops merged, or the whole
    /// image when its longer side is at most `settings.cropTrigger`. Empty when there is no hole.
    public static func cropRegions(_ hole: [UInt8], width: Int, height: Int, settings: InpaintSettings) -> [PixelRect] {
        let holes = components(hole, width: width, height: height)
        if holes.isEmpty { return [] }
        if max(width, height) <= settings.cropTrigger { return [PixelRect(x: 0, y: 0, width: width, height: height)] }
        var boxes = holes.map { crop(around: $0, margin: settings.cropMargin, width: width, height: height) }
        var merged = true
        while merged {
            merged = false
            outer: for i in 0..<boxes.count {
                for j in (i + 1)..<boxes.count where boxes[i].intersects(boxes[j]) {
                    boxes[i] = boxes[i].union(boxes[j])
                    boxes.remove(at: j)
                    merged = true
                    break outer
                }
            }
        }
        return boxes.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
    }
}
