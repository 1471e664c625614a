import MorphTensor

/// A history of generated images for the discriminator (Shrivastava et al. 2017), as the reference's
/// `util.image_pool.ImagePool`: until the pool holds `size` images every query image is stored and
/// returned; afterwards each image is, with probability ½, swapped for a random stored one (which is
/// returned while the new image takes its place), and otherwise returned as is. Size 0 returns the input.
///
/// Seeded; `images` and `rng` are the whole state, so a run can save and restore it exactly.
public final class ImagePool {
    /// How many images the pool keeps.
    public let size: Int
    /// The stored images, each `[1, C, H, W]`, without autodiff history.
    public private(set) var images: [Tensor] = []
    /// The generator drawing the swap decisions and positions.
    public var rng: SeededRNG

    /// An empty pool of `size` images.
    public init(size: Int, seed: UInt64) {
        self.size = max(0, size)
        rng = SeededRNG(seed: seed)
    }

    /// Returns a batch like `batch` (`[N, C, H, W]`) drawn from the history, updating it.
    /// The result carries no autodiff history.
    /// - Throws: `TensorError` when the batch is not rank 4 or its images differ in shape from the stored ones.
    public func query(_ batch: Tensor) throws -> Tensor {
        guard size > 0 else { return batch.detached() }
        try batch.expectRank(4, "ImagePool.query")
        var out: [Tensor] = []
        for i in 0..<batch.shape[0] {
            let image = try withoutGrad { try batch.slice(dim: 0, i..<(i + 1)) }
            if images.count < size {
                images.append(image)
                out.append(image)
            } else if rng.nextUniform() > 0.5 {
                let j = rng.nextInt(below: size)
                guard images[j].shape == image.shape else {
                    throw TensorError.shapeMismatch(op: "ImagePool.query", images[j].shape, image.shape)
                }
                out.append(images[j])
                images[j] = image
            } else {
                out.append(image)
            }
        }
        return try withoutGrad { try Tensor.concat(out, dim: 0) }
    }

    /// Replaces the stored images and generator (restoring a saved pool).
    /// - Throws: `TrainError.runState` when there are more than `size`.
    public func restore(images: [Tensor], rng: SeededRNG) throws {
        guard images.count <= size else {
            throw TrainError.runState(file: "pool", "\(images.count) stored images for a pool of \(size)")
        }
        self.images = images.map { $0.detached() }
        self.rng = rng
    }
}
