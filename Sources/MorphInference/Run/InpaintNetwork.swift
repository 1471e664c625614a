import Foundation
import MorphModels
import MorphTensor

/// How an inpainting network takes its input and gives its output: Morph's generators (pull–push fill of the
/// image in [−1, 1] and the mask in, RGB in [−1, 1] out) or LaMa (image in [0, 1] with the holes zeroed, concatenated with the mask, padded
/// to a multiple of 8 by mirroring, sigmoid output). Callers hand images in [0, 1] and get RGB in [0, 1].
public enum InpaintNetwork: Sendable {
    /// Morph's own generators, `GatedInpaintGenerator` and `FFCInpaintGenerator` (pull–push fill + mask in, RGB out).
    case gated
    /// LaMa's `FFCResNetGenerator`, padded to `multiple`.
    case lama(multiple: Int)

    /// The network kind of a loaded model.
    public init(_ model: LoadedModel) {
        if let lama = model.model as? FFCResNetGenerator {
            self = .lama(multiple: lama.traits.sizeMultiple)
        } else {
            self = .gated
        }
    }

    /// Fills the holes of `image` (`[1, 3, h, w]` in [0, 1]) marked by `mask` (`[1, 1, h, w]`, 1 = hole) and
    /// returns the network's RGB prediction for every pixel, `[1, 3, h, w]` in [0, 1] (callers paste the holes).
    public func predict(image: Tensor, mask: Tensor, engine: InferenceEngine) throws -> Tensor {
        switch self {
        case .gated:
            let out = try engine.run(try GatedInpaintGenerator.makeInput(image: image * 2 - 1, mask: mask))
            return (out + 1) * 0.5
        case let .lama(multiple):
            let (h, w) = (image.shape[2], image.shape[3])
            let ph = (h + multiple - 1) / multiple * multiple, pw = (w + multiple - 1) / multiple * multiple
            let paddedImage = InpaintNetwork.mirrorPadded(image, height: ph, width: pw)
            let paddedMask = InpaintNetwork.mirrorPadded(mask, height: ph, width: pw)
            let masked = try paddedImage * (paddedMask * -1 + 1)
            let out = try withoutGrad { try engine.run(try Tensor.concat([masked, paddedMask], dim: 1)) }
            return try out.slice(dim: 2, 0..<h).slice(dim: 3, 0..<w)
        }
    }

    /// `x` grown at the bottom and right to `height` × `width` by mirroring with the edge repeated
    /// (NumPy's `symmetric` padding, as LaMa's `pad_img_to_modulo`).
    static func mirrorPadded(_ x: Tensor, height ph: Int, width pw: Int) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        if ph == h && pw == w { return x }
        func source(_ i: Int, _ size: Int) -> Int {
            var j = i
            let period = 2 * size
            j %= period
            return j < size ? j : period - 1 - j
        }
        let out = Tensor(zeros: [n, c, ph, pw], zeroed: false)
        let cols = (0..<pw).map { source($0, w) }
        let src = x.data, dst = out.data
        for plane in 0..<(n * c) {
            for y in 0..<ph {
                let s = src + (plane * h + source(y, h)) * w, d = dst + (plane * ph + y) * pw
                for xx in 0..<pw { d[xx] = s[cols[xx]] }
            }
        }
        return out
    }
}
