import Foundation
import MorphImage
import MorphTensor

/// The random choices of one sample's augmentation: crop position and horizontal flip
/// (the reference's `get_params`). Aligned data uses one set for A and B.
public struct AugmentParams: Equatable, Sendable {
    /// Top-left corner of the crop, in pixels of the resized image.
    public var x: Int, y: Int
    /// Whether to mirror left–right.
    public var flip: Bool

    /// Parameters from their parts.
    public init(x: Int, y: Int, flip: Bool) {
        self.x = x
        self.y = y
        self.flip = flip
    }
}

/// The reference's `get_transform` with libvips: resize (bicubic) or scale to width, crop, make the
/// size a multiple of 4 (`none`), flip, and map to a `[1, 3, H, W]` tensor in [−1, 1].
public struct Preprocessing: Sendable {
    /// The `--preprocess` mode.
    public var mode: PreprocessMode
    /// `--load-size` and `--crop-size`.
    public var loadSize: Int, cropSize: Int
    /// `--no-flip`.
    public var noFlip: Bool

    /// A pipeline for the options' preprocessing settings.
    public init(options: TranslationTrainOptions) {
        mode = options.preprocess
        loadSize = options.loadSize
        cropSize = options.cropSize
        noFlip = options.noFlip
    }

    /// A pipeline from its parts.
    public init(mode: PreprocessMode, loadSize: Int, cropSize: Int, noFlip: Bool) {
        self.mode = mode
        self.loadSize = loadSize
        self.cropSize = cropSize
        self.noFlip = noFlip
    }

    /// Size after the resize stage for a `width` × `height` image (before cropping).
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        switch mode {
        case .resize_and_crop:
            return (loadSize, loadSize)
        case .scale_width, .scale_width_and_crop:
            // __scale_width: keep images already at the target width and tall enough.
            if width == loadSize, height >= cropSize { return (width, height) }
            return (loadSize, max(loadSize * height / max(width, 1), cropSize))
        case .crop, .none:
            return (width, height)
        }
    }

    /// Draws crop position and flip for an image of `width` × `height` (the reference's `get_params`,
    /// with the crop range of the size after resizing).
    public func params(width: Int, height: Int, rng: inout SeededRNG) -> AugmentParams {
        let (w, h) = resizedSize(width: width, height: height)
        let x = rng.nextInt(below: max(0, w - cropSize) + 1)
        let y = rng.nextInt(below: max(0, h - cropSize) + 1)
        let flip = rng.nextUniform() > 0.5
        return AugmentParams(x: x, y: y, flip: flip)
    }

    /// Applies the pipeline to a loaded image.
    /// - Throws: `TrainError.dataset` when the image is smaller than the crop; `ImageError` from libvips.
    public func apply(_ input: VipsImage, _ p: AugmentParams) throws -> Tensor {
        var image = input
        let (w, h) = resizedSize(width: image.width, height: image.height)
        if w != image.width || h != image.height { image = try image.resizedCubic(width: w, height: h) }
        if mode.rawValue.contains("crop") {
            guard image.width >= cropSize, image.height >= cropSize else {
                throw TrainError.dataset(path: input.file,
                    "\(image.width)×\(image.height) after resizing is smaller than --crop-size \(cropSize)")
            }
            if image.width != cropSize || image.height != cropSize {
                image = try image.cropped(x: min(p.x, image.width - cropSize), y: min(p.y, image.height - cropSize),
                                          width: cropSize, height: cropSize)
            }
        }
        if mode == .none {
            // __make_power_2 with base 4.
            let pw = max(4, Int((Double(image.width) / 4).rounded()) * 4)
            let ph = max(4, Int((Double(image.height) / 4).rounded()) * 4)
            if pw != image.width || ph != image.height { image = try image.resizedCubic(width: pw, height: ph) }
        }
        let tensor = try ImageTensorCodec.encode(image, range: .minusOneToOne).rgb
        if !noFlip && p.flip { Preprocessing.flipHorizontally(tensor) }
        return tensor
    }

    /// Mirrors an NCHW tensor left–right, in place.
    public static func flipHorizontally(_ t: Tensor) {
        guard t.rank == 4 else { return }
        let w = t.shape[3], rows = t.count / max(w, 1)
        let p = t.data
        for r in 0..<rows {
            var i = r * w, j = r * w + w - 1
            while i < j {
                let tmp = p[i]; p[i] = p[j]; p[j] = tmp
                i += 1; j -= 1
            }
        }
    }
}
