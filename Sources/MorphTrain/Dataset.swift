import Foundation
import MorphImage
import MorphModels
import MorphTensor

/// One training example or batch: the A and B images, `[N, 3, H, W]` in [−1, 1].
public struct ImagePair {
    /// Domain A (the input when the direction is AtoB).
    public var a: Tensor
    /// Domain B.
    public var b: Tensor
    /// Source files, for messages and the report.
    public var pathA: String, pathB: String
}

/// A training set of A/B examples. Sample `i` of an epoch depends only on the seed, the epoch and `i`,
/// never on what was loaded before, so a resumed run sees exactly the batches an uninterrupted run sees.
public protocol PairDataset: Sendable {
    /// Examples per epoch (the reference's `__len__`).
    var count: Int { get }
    /// Loads and augments example `index` with the random choices drawn from `rng`.
    func example(_ index: Int, rng: inout SeededRNG) throws -> ImagePair
}

/// Helpers for finding the images of a dataset.
enum DatasetFiles {
    /// Sorted image files of `folder`, cut to `limit` (the reference's `make_dataset`).
    static func images(_ folder: URL, limit: Int?) throws -> [URL] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw TrainError.dataset(path: folder.path, "no such folder")
        }
        let files = try ImageFiles.discover(folder)
        guard !files.isEmpty else { throw TrainError.dataset(path: folder.path, "holds no images") }
        return limit.map { Array(files.prefix($0)) } ?? files
    }

    /// `root/<name>` when it exists, else nil.
    static func sub(_ root: URL, _ name: String) -> URL? {
        let url = root.appendingPathComponent(name)
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue ? url : nil
    }
}

/// Unpaired data (`trainA/`, `trainB/`): example `i` is A image `i mod |A|` with B image `i mod |B|` under
/// `--serial-batches`, else a random B image (the reference's `UnalignedDataset`). A and B are cropped and
/// flipped independently.
public struct UnalignedDataset: PairDataset {
    /// The files of each domain, after `--direction` (A is the input side).
    public let filesA: [URL], filesB: [URL]
    /// The augmentation.
    public let preprocessing: Preprocessing
    /// Whether B follows A's index.
    public let serial: Bool

    /// Finds `trainA/` and `trainB/` under `root` (swapped for BtoA).
    /// - Throws: `TrainError.dataset` when a folder is missing or empty.
    public init(root: URL, options: TrainOptions) throws {
        guard let a = DatasetFiles.sub(root, "trainA"), let b = DatasetFiles.sub(root, "trainB") else {
            throw TrainError.dataset(path: root.path, "needs trainA/ and trainB/ folders for unaligned (CycleGAN) data")
        }
        let fa = try DatasetFiles.images(a, limit: options.maxDatasetSize)
        let fb = try DatasetFiles.images(b, limit: options.maxDatasetSize)
        let t = try options.translationOnly()
        (filesA, filesB) = t.direction == .aToB ? (fa, fb) : (fb, fa)
        preprocessing = Preprocessing(options: t)
        serial = options.serialBatches
    }

    public var count: Int { max(filesA.count, filesB.count) }

    public func example(_ index: Int, rng: inout SeededRNG) throws -> ImagePair {
        let urlA = filesA[index % filesA.count]
        let urlB = filesB[serial ? index % filesB.count : rng.nextInt(below: filesB.count)]
        let imageA = try ImageLoader.load(urlA), imageB = try ImageLoader.load(urlB)
        let pa = preprocessing.params(width: imageA.width, height: imageA.height, rng: &rng)
        let pb = preprocessing.params(width: imageB.width, height: imageB.height, rng: &rng)
        return ImagePair(a: try preprocessing.apply(imageA, pa), b: try preprocessing.apply(imageB, pb),
                         pathA: urlA.path, pathB: urlB.path)
    }
}

/// Paired data: each image holds A and B side by side, split at half the width, with one crop and flip
/// for both halves (the reference's `AlignedDataset`). Reads `train/` under the root, or the root itself.
public struct AlignedDataset: PairDataset {
    /// The side-by-side images.
    public let files: [URL]
    /// The augmentation.
    public let preprocessing: Preprocessing
    /// BtoA swaps the halves.
    public let direction: TranslationDirection

    /// Finds the images of `root/train` (or `root`).
    /// - Throws: `TrainError.dataset` when there are none.
    public init(root: URL, options: TrainOptions) throws {
        files = try DatasetFiles.images(DatasetFiles.sub(root, "train") ?? root, limit: options.maxDatasetSize)
        let t = try options.translationOnly()
        preprocessing = Preprocessing(options: t)
        direction = t.direction
    }

    public var count: Int { files.count }

    public func example(_ index: Int, rng: inout SeededRNG) throws -> ImagePair {
        let url = files[index]
        let ab = try ImageLoader.load(url)
        guard ab.width >= 2 else { throw TrainError.dataset(path: url.path, "is \(ab.width) pixel wide; cannot split A|B") }
        let half = ab.width / 2
        let left = try ab.cropped(x: 0, y: 0, width: half, height: ab.height)
        let right = try ab.cropped(x: half, y: 0, width: ab.width - half, height: ab.height)
        let p = preprocessing.params(width: half, height: ab.height, rng: &rng)
        var a = try preprocessing.apply(left, p), b = try preprocessing.apply(right, p)
        if direction == .bToA { swap(&a, &b) }
        return ImagePair(a: a, b: b, pathA: url.path, pathB: url.path)
    }
}

/// Which examples make up each batch of an epoch, and the generator each example's augmentation uses.
public struct EpochPlan: Sendable {
    /// Example indices in visiting order: shuffled per epoch unless `--serial-batches`.
    public let order: [Int]
    /// Examples per batch (the last batch may be smaller).
    public let batchSize: Int
    /// The run seed and the epoch number, from which each example's generator is derived.
    public let seed: UInt64, epoch: Int

    /// The plan of `epoch` for `count` examples.
    public init(count: Int, batchSize: Int, seed: UInt64, epoch: Int, shuffle: Bool) {
        var order = Array(0..<count)
        if shuffle {
            var rng = SeededRNG(seed: EpochPlan.mix(seed, UInt64(epoch), 0x5348_5546))
            order.shuffle(using: &rng)
        }
        self.order = order
        self.batchSize = max(1, batchSize)
        self.seed = seed
        self.epoch = epoch
    }

    /// Batches per epoch (the reference's DataLoader keeps the last, smaller batch).
    public var batchCount: Int { (order.count + batchSize - 1) / batchSize }

    /// The generator for the example at `position` of this epoch.
    public func rng(position: Int) -> SeededRNG {
        SeededRNG(seed: EpochPlan.mix(seed, UInt64(epoch), UInt64(position)))
    }

    /// Loads batch `batch` of the epoch from `dataset`.
    /// - Throws: whatever loading or augmenting an example throws.
    public func load(batch: Int, from dataset: PairDataset) throws -> ImagePair {
        let positions = (batch * batchSize)..<min((batch + 1) * batchSize, order.count)
        var pairs: [ImagePair] = []
        for position in positions {
            var rng = rng(position: position)
            pairs.append(try dataset.example(order[position], rng: &rng))
        }
        guard let first = pairs.first else {
            throw TrainError.dataset(path: "epoch \(epoch)", "batch \(batch) is past the end of the epoch")
        }
        if pairs.count == 1 { return first }
        for p in pairs where p.a.shape != first.a.shape || p.b.shape != first.b.shape {
            throw TrainError.dataset(path: p.pathA, "size \(p.a.shape) differs from \(first.a.shape) in the same batch; crop to one size")
        }
        return ImagePair(a: try Tensor.concat(pairs.map(\.a), dim: 0), b: try Tensor.concat(pairs.map(\.b), dim: 0),
                         pathA: first.pathA, pathB: first.pathB)
    }

    /// SplitMix-style mixing of three words into one seed.
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1) &+ 0xD1B5_4A32_D192_ED03 &* (c &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
