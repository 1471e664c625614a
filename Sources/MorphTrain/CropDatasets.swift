import Foundation
import MorphImage
import MorphTensor

/// The images of an SR or inpainting run: every image under the data folder (recursively) whose sides are at least
/// the crop size; smaller ones are skipped with a message. With two or more usable images the last one (in sorted
/// order) is held out for the fixed monitoring crops; with one, the monitoring crops come from it.
struct CropImages: Sendable {
    /// Images that training crops come from.
    let training: [URL]
    /// The image the monitoring crops come from (held out when there are two or more images).
    let monitor: URL
    /// One line per skipped image.
    let skipped: [String]

    init(root: URL, cropSize: Int, limit: Int?, option: String) throws {
        var usable: [URL] = [], skipped: [String] = []
        for url in try DatasetFiles.images(root, limit: limit) {
            let image = try ImageLoader.openStreaming(url)
            if image.width < cropSize || image.height < cropSize {
                skipped.append("\(url.path): \(image.width)×\(image.height) is smaller than --\(option) \(cropSize); skipped")
            } else {
                usable.append(url)
            }
        }
        guard let last = usable.last else {
            throw TrainError.dataset(path: root.path, "holds no image of at least \(cropSize)×\(cropSize) (--\(option))")
        }
        training = usable.count >= 2 ? Array(usable.dropLast()) : usable
        monitor = last
        self.skipped = skipped
    }

    /// A random `size`² crop of `url` in `range`, with BasicSR's `augment(hflip=True, rotation=True)`: horizontal
    /// flip, vertical flip and a transpose (its "rot90"), each with probability ½, drawn in that order.
    static func randomCrop(_ url: URL, size: Int, range: TensorRange, rng: inout SeededRNG) throws -> Tensor {
        let image = try ImageLoader.load(url)
        guard image.width >= size, image.height >= size else {
            throw TrainError.dataset(path: url.path, "\(image.width)×\(image.height) is smaller than the crop \(size)")
        }
        let x = rng.nextInt(below: image.width - size + 1), y = rng.nextInt(below: image.height - size + 1)
        let crop = try ImageTensorCodec.encode(try image.cropped(x: x, y: y, width: size, height: size), range: range).rgb
        let hflip = rng.nextUniform() < 0.5, vflip = rng.nextUniform() < 0.5, transpose = rng.nextUniform() < 0.5
        return try augmented(crop, hflip: hflip, vflip: vflip, transpose: transpose)
    }

    /// `[1, C, S, S]` flipped and/or transposed (a new tensor).
    static func augmented(_ t: Tensor, hflip: Bool, vflip: Bool, transpose: Bool) throws -> Tensor {
        let c = t.shape[1], h = t.shape[2], w = t.shape[3]
        let out = Tensor.zeros(transpose ? [1, c, w, h] : [1, c, h, w])
        let src = t.data, dst = out.data
        for ch in 0..<c {
            for y in 0..<h {
                for x in 0..<w {
                    let sy = vflip ? h - 1 - y : y, sx = hflip ? w - 1 - x : x
                    let v = src[(ch * h + sy) * w + sx]
                    if transpose { dst[(ch * w + x) * h + y] = v } else { dst[(ch * h + y) * w + x] = v }
                }
            }
        }
        return out
    }

    /// Up to `count` fixed `size`² crops of the monitoring image: centre, then the corners.
    func monitorCrops(size: Int, count: Int, range: TensorRange) throws -> [Tensor] {
        let image = try ImageLoader.load(monitor)
        let w = image.width, h = image.height
        var origins = [((w - size) / 2, (h - size) / 2), (0, 0), (w - size, h - size), (w - size, 0), (0, h - size)]
        var seen = Set<Int>()
        origins = origins.filter { seen.insert($0.0 * 100_003 + $0.1).inserted }
        return try origins.prefix(count).map { x, y in
            try ImageTensorCodec.encode(try image.cropped(x: x, y: y, width: size, height: size), range: range).rgb
        }
    }
}

/// Super-resolution training data (BasicSR's paired dataset with LR made on the fly): example `i` is a random
/// `gt_size`² HR crop of image `i mod n` in [0, 1], flipped and transposed as BasicSR's paired augment, and its LR
/// counterpart from `SRDegradation`, all drawn from the example's generator. `a` is the LR crop, `b` the HR crop.
public struct SRDataset: PairDataset {
    let images: CropImages
    /// HR crop side and the SR factor.
    public let gtSize: Int, scale: Int
    /// How LR crops are made.
    public let degradation: SRDegradation
    /// Examples per epoch.
    public let count: Int

    /// Finds the images under `root`.
    /// - Throws: `TrainError.dataset` when there is no image of at least gt_size².
    public init(root: URL, options: TrainOptions) throws {
        let sr = options.sr ?? SRTrainOptions()
        images = try CropImages(root: root, cropSize: sr.gtSize, limit: options.maxDatasetSize, option: "gt-size")
        gtSize = sr.gtSize
        scale = sr.scale
        degradation = SRDegradation(kind: sr.degradation, scale: sr.scale)
        count = max(sr.cropsPerEpoch, images.training.count)
    }

    /// One line per image too small to crop.
    public var skipped: [String] { images.skipped }
    /// The images training crops come from, and the one the monitoring crops come from.
    public var trainingFiles: [URL] { images.training }
    public var monitorFile: URL { images.monitor }

    public func example(_ index: Int, rng: inout SeededRNG) throws -> ImagePair {
        let url = images.training[index % images.training.count]
        let hr = try CropImages.randomCrop(url, size: gtSize, range: .zeroToOne, rng: &rng)
        let lr = try degradation.degrade(hr, rng: &rng)
        return ImagePair(a: lr, b: hr, pathA: url.path, pathB: url.path)
    }

    /// Up to four fixed (LR, HR) crops of the monitoring image, degraded with a fixed generator.
    public func monitorCrops() throws -> [(lr: Tensor, hr: Tensor)] {
        var rng = SeededRNG(seed: 0x4D4F_4E49)
        return try images.monitorCrops(size: gtSize, count: 4, range: .zeroToOne).map { hr in
            (try degradation.degrade(hr, rng: &rng), hr)
        }
    }
}

/// Inpainting training data: example `i` is a random `crop_size`² crop of image `i mod n` in [−1, 1] (flipped and
/// transposed as BasicSR's augment) and a `MaskGenerator` hole mask, both drawn from the example's generator.
/// `a` is the mask `[1, 1, S, S]` (1 = hole), `b` the image `[1, 3, S, S]`.
public struct InpaintDataset: PairDataset {
    let images: CropImages
    /// Crop side.
    public let cropSize: Int
    /// The holes.
    public let masks: MaskGenerator
    /// Examples per epoch.
    public let count: Int

    /// Finds the images under `root`.
    /// - Throws: `TrainError.dataset` when there is no image of at least crop_size².
    public init(root: URL, options: TrainOptions) throws {
        let o = options.inpaint ?? InpaintTrainOptions()
        images = try CropImages(root: root, cropSize: o.cropSize, limit: options.maxDatasetSize, option: "crop-size")
        cropSize = o.cropSize
        masks = MaskGenerator(kind: o.maskKind)
        count = max(o.cropsPerEpoch, images.training.count)
    }

    /// One line per image too small to crop.
    public var skipped: [String] { images.skipped }

    public func example(_ index: Int, rng: inout SeededRNG) throws -> ImagePair {
        let url = images.training[index % images.training.count]
        let image = try CropImages.randomCrop(url, size: cropSize, range: .minusOneToOne, rng: &rng)
        let mask = masks.make(height: cropSize, width: cropSize, rng: &rng)
        return ImagePair(a: mask, b: image, pathA: url.path, pathB: url.path)
    }

    /// Up to four fixed (image, mask) pairs from the monitoring image, masks from a fixed generator.
    public func monitorCrops() throws -> [(image: Tensor, mask: Tensor)] {
        var rng = SeededRNG(seed: 0x484F_4C45)
        return try images.monitorCrops(size: cropSize, count: 4, range: .minusOneToOne).map { image in
            (image, masks.make(height: cropSize, width: cropSize, rng: &rng))
        }
    }
}
