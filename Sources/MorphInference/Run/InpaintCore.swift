import Foundation
import MorphImage
import MorphTensor

/// The inpainting of one decoded image, shared by `morph inpaint` and `morph serve`: interleaved 8/16-bit
/// samples are filled in place where the hole map says so, by the settings' strategy. Pixels outside the holes
/// are never written, so they stay bit-exact.
public struct InpaintJob {
    /// The image's interleaved samples (gray or RGB, optional alpha), filled in place.
    public let samples: UnsafeMutableRawPointer
    /// Image size and sample layout.
    public let width: Int, height: Int, bands: Int, bitDepth: Int
    /// One byte per pixel, 1 = fill.
    public var hole: [UInt8]
    /// Whether filled pixels become opaque (holes taken from transparency); otherwise alpha is kept.
    public var opaqueFill = false

    /// A job over `samples` with its hole map.
    public init(samples: UnsafeMutableRawPointer, width: Int, height: Int, bands: Int, bitDepth: Int, hole: [UInt8]) {
        (self.samples, self.width, self.height, self.bands, self.bitDepth) = (samples, width, height, bands, bitDepth)
        self.hole = hole
    }

    /// What a run did: the regions given to the model and how many pixels it processed.
    public struct Report: Equatable {
        /// Regions in image pixels (for resize: the whole image).
        public var regions: [PixelRect] = []
        /// Pixels the network saw (after any downscaling, before padding).
        public var pixelsProcessed = 0
    }

    /// Fills the holes with `network` run by `engine`, following `settings` (the hole map is dilated first).
    /// - Throws: `PipelineError.usage` when there is no hole; model errors.
    public mutating func run(network: InpaintNetwork, engine: InferenceEngine, settings: InpaintSettings) throws -> Report {
        hole = HoleMap.dilated(hole, width: width, height: height, radius: settings.maskDilate)
        let layout = SampleLayout(width: width, bands: bands, bitDepth: bitDepth)
        let whole = PixelRect(x: 0, y: 0, width: width, height: height)
        var report = Report()
        let regions: [PixelRect]
        switch settings.strategy {
        case .crop: regions = HoleMap.cropRegions(hole, width: width, height: height, settings: settings)
        case .original, .resize: regions = hole.contains(1) ? [whole] : []
        }
        guard !regions.isEmpty else { throw PipelineError.usage("mask has no hole") }
        let limit = settings.resizeLimit
        if settings.strategy == .resize, limit > 0, max(width, height) > limit {
            let scale = Double(limit) / Double(max(width, height))
            let sh = max(1, Int((Double(height) * scale).rounded())), sw = max(1, Int((Double(width) * scale).rounded()))
            let input = layout.crop(samples, hole, whole)
            let small = try withoutGrad { try input.image.upsampleBilinear(size: (sh, sw)) }
            let smallMask = try withoutGrad { try input.mask.upsampleBilinear(size: (sh, sw)) }.mapValues { $0 > 0 ? 1 : 0 }
            let out = try network.predict(image: small, mask: smallMask, engine: engine)
            let full = try withoutGrad { try out.upsampleBilinear(size: (height, width)) }
            layout.paste(full, into: samples, hole, whole, opaque: opaqueFill)
            return Report(regions: [whole], pixelsProcessed: sh * sw)
        }
        for region in regions {
            let input = layout.crop(samples, hole, region)
            let out = try network.predict(image: input.image, mask: input.mask, engine: engine)
            layout.paste(out, into: samples, hole, region, opaque: opaqueFill)
            report.regions.append(region)
            report.pixelsProcessed += region.width * region.height
        }
        return report
    }
}

/// Interleaved 8/16-bit samples of one image (gray or RGB, optional alpha) and the crops the model sees.
struct SampleLayout {
    let width: Int, bands: Int, bitDepth: Int
    var colour: Int { bands == 2 || bands == 4 ? bands - 1 : bands }
    var maxValue: Float { bitDepth == 16 ? 65535 : 255 }

    func sample(_ p: UnsafeMutableRawPointer, _ k: Int) -> Float {
        bitDepth == 16 ? Float(p.load(fromByteOffset: 2 * k, as: UInt16.self)) : Float(p.load(fromByteOffset: k, as: UInt8.self))
    }

    /// The region as RGB in [0, 1] (gray replicated) with its hole mask (1 = hole, 0 elsewhere).
    func crop(_ p: UnsafeMutableRawPointer, _ hole: [UInt8], _ r: PixelRect) -> (image: Tensor, mask: Tensor) {
        let image = Tensor(zeros: [1, 3, r.height, r.width], zeroed: false)
        let mask = Tensor(zeros: [1, 1, r.height, r.width], zeroed: false)
        let n = r.width * r.height
        for y in 0..<r.height {
            for x in 0..<r.width {
                let i = (r.y + y) * width + r.x + x, o = y * r.width + x
                for c in 0..<3 {
                    image.data[c * n + o] = sample(p, i * bands + min(c, colour - 1)) / maxValue
                }
                mask.data[o] = Float(hole[i])
            }
        }
        return (image, mask)
    }

    /// Writes the prediction `[1, 3, h, w]` (in [0, 1]) into the hole pixels of the region only; alpha in the
    /// holes is kept, or made opaque when `opaque`.
    func paste(_ out: Tensor, into p: UnsafeMutableRawPointer, _ hole: [UInt8], _ r: PixelRect, opaque: Bool) {
        let n = r.width * r.height
        for y in 0..<r.height {
            for x in 0..<r.width {
                let i = (r.y + y) * width + r.x + x
                guard hole[i] != 0 else { continue }
                let o = y * r.width + x
                var rgb = (0..<3).map { min(max(out.data[$0 * n + o], 0), 1) }
                if colour == 1 { rgb = [Luma.rec601(rgb[0], rgb[1], rgb[2])] }
                for c in 0..<(opaque ? bands : colour) {
                    let v = c < colour ? (rgb[c] * maxValue).rounded() : maxValue
                    let k = i * bands + c
                    if bitDepth == 16 { p.storeBytes(of: UInt16(v), toByteOffset: 2 * k, as: UInt16.self) } else {
                        p.storeBytes(of: UInt8(v), toByteOffset: k, as: UInt8.self)
                    }
                }
            }
        }
    }
}
