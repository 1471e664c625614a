import XCTest
import MorphImage
import MorphTensor
import MorphTrain
import TestSupport

/// The pieces of the training pipeline: GAN losses, the image pool, preprocessing, datasets, the loader.
final class ComponentTests: XCTestCase {
    func testGANLossTargets() throws {
        let p = try Tensor(shape: [1, 1, 2, 2], values: [0.5, -1, 2, 0])
        // lsgan: mean((p - 1)²) and mean(p²).
        XCTAssertEqual(try GANLoss(mode: .lsgan)(p, isReal: true).item, (0.25 + 4 + 1 + 1) / 4, accuracy: 1e-6)
        XCTAssertEqual(try GANLoss(mode: .lsgan)(p, isReal: false).item, (0.25 + 1 + 4 + 0) / 4, accuracy: 1e-6)
        // vanilla: mean(softplus(-p)) for real, mean(softplus(p)) for fake.
        func softplus(_ x: Float) -> Float { Foundation.log(1 + Foundation.exp(x)) }
        XCTAssertEqual(try GANLoss(mode: .vanilla)(p, isReal: true).item, p.values.map { softplus(-$0) }.reduce(0, +) / 4, accuracy: 1e-6)
        XCTAssertEqual(try GANLoss(mode: .vanilla)(p, isReal: false).item, p.values.map(softplus).reduce(0, +) / 4, accuracy: 1e-6)
        XCTAssertEqual(GANMode.allCases.map(\.rawValue), ["lsgan", "vanilla", "wgangp"])
    }

    /// The reference's semantics: the first `size` images go in and come back; afterwards each query
    /// returns either itself (the pool unchanged) or a stored image (which the new one replaces),
    /// about half the time each; size 0 passes images through.
    func testImagePoolSemantics() throws {
        let pool = ImagePool(size: 3, seed: 11)
        func image(_ v: Float) -> Tensor { Tensor.full([1, 1, 2, 2], v) }
        for v in 0..<3 {
            XCTAssertEqual(try pool.query(image(Float(v))).values, image(Float(v)).values)
        }
        XCTAssertEqual(pool.images.map { $0.values[0] }, [0, 1, 2])
        var swaps = 0
        let queries = 400
        for v in 3..<(3 + queries) {
            let before = pool.images.map { $0.values[0] }
            let out = try pool.query(image(Float(v))).values[0]
            let after = pool.images.map { $0.values[0] }
            if out == Float(v) {
                XCTAssertEqual(before, after, "returned itself, so the pool is unchanged")
            } else {
                swaps += 1
                let j = try XCTUnwrap(before.firstIndex(of: out), "returned a stored image")
                var expected = before
                expected[j] = Float(v)
                XCTAssertEqual(after, expected, "the new image took the returned one's place")
            }
        }
        XCTAssertEqual(Double(swaps) / Double(queries), 0.5, accuracy: 0.08)
        // Batches are split per image; the same seed gives the same history.
        let a = ImagePool(size: 2, seed: 5), b = ImagePool(size: 2, seed: 5)
        var rng = SeededRNG(seed: 1)
        for _ in 0..<10 {
            let batch = Tensor.uniform([3, 1, 2, 2], rng: &rng)
            XCTAssertEqual(try a.query(batch).values, try b.query(batch).values)
        }
        let passthrough = ImagePool(size: 0, seed: 1)
        XCTAssertEqual(try passthrough.query(image(7)).values, image(7).values)
        XCTAssertTrue(passthrough.images.isEmpty)
    }

    /// Resize, scale-width, crop, power-of-4 and flip sizes follow the reference's `get_transform`.
    func testPreprocessingSizes() throws {
        var rng = SeededRNG(seed: 1)
        let data = TrainTestData.randomImage(width: 60, height: 40, rng: &rng)
        let folder = try TrainTestData.folder()
        let url = folder.appendingPathComponent("img.png")
        try TrainTestData.writePNG(data, width: 60, height: 40, to: url)
        let image = try ImageLoader.load(url)
        func shape(_ mode: PreprocessMode, load: Int = 36, crop: Int = 32) throws -> [Int] {
            let p = Preprocessing(mode: mode, loadSize: load, cropSize: crop, noFlip: false)
            return try p.apply(image, p.params(width: 60, height: 40, rng: &rng)).shape
        }
        XCTAssertEqual(try shape(.resize_and_crop), [1, 3, 32, 32])
        XCTAssertEqual(try shape(.crop), [1, 3, 32, 32])
        XCTAssertEqual(try shape(.scale_width), [1, 3, 32, 36])       // 36 wide, max(36·40/60, 32) = 32 high
        XCTAssertEqual(try shape(.scale_width, load: 30, crop: 24), [1, 3, 24, 30]) // height max(20, 24)
        XCTAssertEqual(try shape(.scale_width_and_crop, load: 48), [1, 3, 32, 32])
        XCTAssertEqual(try shape(.none), [1, 3, 40, 60])
        XCTAssertThrowsError(try shape(.crop, crop: 48)) { XCTAssertTrue("\($0)".contains("img.png")) }
        // Cropping without resizing keeps the pixels: the crop at (x, y) equals the image's window.
        let full: [Float] = try ImageTensorCodec.encode(image, range: .minusOneToOne).rgb.values
        let crop = Preprocessing(mode: .crop, loadSize: 60, cropSize: 16, noFlip: true)
        let cropped: [Float] = try crop.apply(image, AugmentParams(x: 5, y: 7, flip: true)).values
        var window: [Float] = []
        for c in 0..<3 {
            for y in 0..<16 {
                let start: Int = (c * 40 + y + 7) * 60 + 5
                window += full[start..<(start + 16)]
            }
        }
        XCTAssertEqual(cropped, window)
        // The flip mirrors columns (noFlip off).
        let flipping = Preprocessing(mode: .crop, loadSize: 60, cropSize: 16, noFlip: false)
        let flipped: [Float] = try flipping.apply(image, AugmentParams(x: 5, y: 7, flip: true)).values
        XCTAssertEqual(flipped[3], cropped[12])
        let row: Int = 16 * 16 + 16 * 2
        XCTAssertEqual(flipped[row], cropped[row + 15])
    }

    /// Aligned data splits at half width and gives A and B the same crop and flip: with B = 255 − A
    /// on disk, every augmented B is exactly −A.
    func testAlignedPairsShareCropAndFlip() throws {
        let root = try TrainTestData.folder()
        try TrainTestData.invertedPairs(root: root, count: 3, size: 40)
        var o = TrainTestData.tinyPix2Pix()
        o.translation!.preprocess = .crop
        o.translation!.cropSize = 32
        let dataset = try AlignedDataset(root: root, options: o)
        XCTAssertEqual(dataset.count, 3)
        var flips = Set<Bool>()
        for seed in 0..<8 {
            var rng = SeededRNG(seed: UInt64(seed))
            let pair = try dataset.example(seed % 3, rng: &rng)
            XCTAssertEqual(pair.a.shape, [1, 3, 32, 32])
            assertClose(pair.b.values, pair.a.values.map { -$0 }, rtol: 0, atol: 1e-5, "B = -A")
            var copy = SeededRNG(seed: UInt64(seed))
            flips.insert(Preprocessing(options: o.translation!).params(width: 40, height: 40, rng: &copy).flip)
        }
        XCTAssertEqual(flips, [true, false])
        o.translation!.direction = .bToA
        var rng = SeededRNG(seed: 1), rng2 = SeededRNG(seed: 1)
        let ab = try AlignedDataset(root: root, options: TrainTestData.tinyPix2Pix()).example(0, rng: &rng)
        var swapped = TrainTestData.tinyPix2Pix()
        swapped.translation!.direction = .bToA
        let ba = try AlignedDataset(root: root, options: swapped).example(0, rng: &rng2)
        XCTAssertEqual(ab.a.values, ba.b.values)
    }

    /// Unaligned data: length max(|A|, |B|), B follows A under --serial-batches, random otherwise;
    /// the epoch plan shuffles per epoch and is reproducible.
    func testUnalignedDatasetAndEpochPlan() throws {
        let root = try TrainTestData.folder()
        try TrainTestData.unpaired(root: root, countA: 2, countB: 5, size: 36)
        var o = TrainTestData.tinyCycleGAN()
        o.serialBatches = true
        let serial = try UnalignedDataset(root: root, options: o)
        XCTAssertEqual(serial.count, 5)
        var rng = SeededRNG(seed: 1)
        let pair = try serial.example(3, rng: &rng)
        XCTAssertTrue(pair.pathA.hasSuffix("trainA/001.png"))
        XCTAssertTrue(pair.pathB.hasSuffix("trainB/003.png"))
        o.serialBatches = false
        let random = try UnalignedDataset(root: root, options: o)
        var picked = Set<String>()
        for seed in 0..<20 {
            var r = SeededRNG(seed: UInt64(seed))
            picked.insert(try random.example(0, rng: &r).pathB)
        }
        XCTAssertGreaterThan(picked.count, 2)
        XCTAssertThrowsError(try UnalignedDataset(root: root.appendingPathComponent("trainA"), options: o))

        let e1 = EpochPlan(count: 10, batchSize: 3, seed: 4, epoch: 1, shuffle: true)
        XCTAssertEqual(e1.batchCount, 4)
        XCTAssertEqual(e1.order.sorted(), Array(0..<10))
        XCTAssertEqual(e1.order, EpochPlan(count: 10, batchSize: 3, seed: 4, epoch: 1, shuffle: true).order)
        XCTAssertNotEqual(e1.order, EpochPlan(count: 10, batchSize: 3, seed: 4, epoch: 2, shuffle: true).order)
        XCTAssertEqual(EpochPlan(count: 10, batchSize: 3, seed: 4, epoch: 1, shuffle: false).order, Array(0..<10))
        let batch = try EpochPlan(count: 5, batchSize: 2, seed: 1, epoch: 1, shuffle: true).load(batch: 2, from: random)
        XCTAssertEqual(batch.a.shape, [1, 3, 32, 32], "the last batch keeps the remainder")
        let full = try EpochPlan(count: 5, batchSize: 2, seed: 1, epoch: 1, shuffle: true).load(batch: 0, from: random)
        XCTAssertEqual(full.a.shape, [2, 3, 32, 32])
    }

    /// The loader decodes ahead on its own thread but never holds more than its depth, and delivers the
    /// batches in order, identical to loading them directly.
    func testPrefetchLoaderIsBoundedAndOrdered() throws {
        let root = try TrainTestData.folder()
        try TrainTestData.unpaired(root: root, countA: 6, countB: 2, size: 36)
        let dataset = try UnalignedDataset(root: root, options: TrainTestData.tinyCycleGAN())
        let plan = EpochPlan(count: dataset.count, batchSize: 1, seed: 9, epoch: 1, shuffle: true)
        let loader = PrefetchLoader(plan: plan, dataset: dataset, start: 1, depth: 2)
        var waited = 0
        while loader.queued < 2 && waited < 200 { usleep(10_000); waited += 1 }
        usleep(50_000)
        XCTAssertEqual(loader.queued, 2, "filled up to its depth and no further")
        var count = 0
        while let batch = try loader.nextBatch() {
            let direct = try plan.load(batch: 1 + count, from: dataset)
            XCTAssertEqual(batch.a.values, direct.a.values)
            XCTAssertEqual(batch.pathB, direct.pathB)
            count += 1
        }
        XCTAssertEqual(count, 5)
        // Dropping a loader mid-epoch stops its thread: the thread, blocked on a full queue, returns and releases
        // what it held (the dataset here); a thread still blocked would keep it alive.
        var tracked: TrackedDataset? = TrackedDataset(dataset)
        weak var released = tracked
        var early: PrefetchLoader? = PrefetchLoader(plan: plan, dataset: tracked!, depth: 1)
        tracked = nil
        _ = try early?.nextBatch()
        XCTAssertNotNil(released, "the loading thread holds the dataset while it runs")
        early = nil
        waited = 0
        while released != nil && waited < 200 { usleep(10_000); waited += 1 }
        XCTAssertNil(released, "the loading thread did not stop after its loader was dropped")
    }

    func testOptionValidation() throws {
        var o = TrainOptions(model: .pix2pix)
        XCTAssertEqual(o.translation!.netG, .unet_256)
        XCTAssertEqual(o.translation!.norm, .batch)
        XCTAssertEqual(o.translation!.ganMode, .vanilla)
        XCTAssertEqual(o.translation!.lambdaL1, 100)
        XCTAssertEqual(o.translation!.poolSize, 0)
        XCTAssertFalse(o.translation!.noDropout)
        let c = TrainOptions(model: .cyclegan)
        XCTAssertEqual([c.translation!.lambdaA, c.translation!.lambdaB, c.translation!.lambdaIdentity], [10, 10, 0.5])
        XCTAssertEqual(c.translation!.poolSize, 50)
        XCTAssertTrue(c.translation!.noDropout)
        XCTAssertEqual(c.translation!.ganMode, .lsgan)
        XCTAssertEqual(c.translation!.norm, .instance)
        XCTAssertNoThrow(try o.validate())
        o.translation!.cropSize = 200
        XCTAssertThrowsError(try o.validate()) { XCTAssertTrue("\($0)".contains("crop-size")) }
        o.translation!.cropSize = 256
        o.lr = 0
        XCTAssertThrowsError(try o.validate()) { XCTAssertTrue("\($0)".contains("--lr")) }
    }
}

/// A dataset that is a class, so a test can watch (weakly) whether a loading thread still holds it.
private final class TrackedDataset: PairDataset, @unchecked Sendable {
    let base: PairDataset
    init(_ base: PairDataset) { self.base = base }
    var count: Int { base.count }
    func example(_ index: Int, rng: inout SeededRNG) throws -> ImagePair { try base.example(index, rng: &rng) }
}
