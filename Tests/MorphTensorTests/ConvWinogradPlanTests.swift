import XCTest
@testable import MorphTensor
import TestSupport

/// Winograd's work split (groups, tile blocks, output-channel blocks, worker counts) and its fused epilogue,
/// against the im2col path (itself PyTorch-parity-tested) followed by the unfused activation ops.
final class ConvWinogradPlanTests: XCTestCase {
    override func tearDown() {
        Parallel.setWorkers(ProcessInfoCores.active)
        super.tearDown()
    }

    func testPlanGivesEveryWorkerJobsAndRespectsCaps() {
        for workers in [1, 2, 4, 8, 16] {
            let plan = WinogradPlan(inner: 256, outer: 256, totalTiles: 1024, workers: workers)
            let jobs = ((plan.group + plan.tiles - 1) / plan.tiles) * ((256 + plan.outChannels - 1) / plan.outChannels)
            XCTAssertGreaterThanOrEqual(jobs, workers, "\(workers) workers: \(plan)")
            XCTAssertGreaterThanOrEqual(plan.tiles, 64, "\(workers) workers: tile blocks stay sgemm-sized")
            XCTAssertGreaterThanOrEqual(plan.outChannels, 32, "\(workers) workers: channel blocks stay sgemm-sized")
            XCTAssertLessThanOrEqual(16 * 256 * plan.group, WinogradPlan.inputBudget)
        }
        // 64 channels in and out: tile blocks of 128, so each sgemm is 64 × 128 × 64 (OpenBLAS' unpacked range).
        XCTAssertEqual(WinogradPlan(inner: 64, outer: 64, totalTiles: 16384, workers: 2).tiles, 128)
        XCTAssertEqual(WinogradPlan(inner: 128, outer: 32, totalTiles: 16384, workers: 2).tiles, 128)
        // 256 channels in: no block of ≥ 64 tiles fits the unpacked range, so blocks stay at 256.
        XCTAssertEqual(WinogradPlan(inner: 256, outer: 64, totalTiles: 16384, workers: 2).tiles, 256)
        let capped = WinogradPlan(inner: 8, outer: 40, totalTiles: 500, workers: 3, maxBlockTiles: 7, maxChannelBlock: 16,
                                  maxGroupTiles: 30)
        XCTAssertEqual(capped.group, 30)
        XCTAssertLessThanOrEqual(capped.tiles, 7)
        XCTAssertLessThanOrEqual(capped.outChannels, 16)
    }

    func testBlockChannelAndGroupBoundariesAtSeveralWorkerCounts() throws {
        // (batch, cin, cout, height, width, padding, tile cap, channel cap, group cap)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (2, 9, 17, 13, 6, 0, 5, 8, 11), (1, 16, 40, 21, 19, 1, 16, 16, 33), (1, 8, 8, 2, 31, 2, 3, 3, 7),
            (2, 33, 20, 17, 17, 1, .max, 7, 40), (1, 12, 70, 9, 14, 1, 8, 64, .max), (1, 64, 96, 24, 24, 1, .max, .max, .max),
            // 35 × 33 = 1,155 tiles in one group: the weight gradient's sgemms cross its 1,024-tile chunk.
            (1, 9, 17, 70, 66, 1, .max, .max, .max),
            // One output-channel block: each job transforms its own tile block (blocks of 16 tiles, batch 2).
            (2, 16, 40, 21, 19, 1, 16, .max, .max), (2, 24, 64, 9, 30, 0, 16, .max, .max),
        ]
        var rng = SeededRNG(seed: 31)
        for workers in [1, 2, 3, 8] {
            Parallel.setWorkers(workers)
            for (n, cin, cout, h, w, pad, tileCap, channelCap, groupCap) in cases {
                let label = "\(workers) workers n\(n) \(cin)→\(cout) \(h)×\(w) p\(pad) caps \(tileCap)/\(channelCap)/\(groupCap)"
                try WinogradComparison.assertMatchesIm2col(
                    batch: n, cin: cin, cout: cout, height: h, width: w, padding: pad, hasBias: true,
                    caps: .init(tiles: tileCap, channels: channelCap, group: groupCap), rng: &rng, label: label)
            }
        }
    }

    func testFusedActivationsMatchSeparateOps() throws {
        var rng = SeededRNG(seed: 32)
        let slopes = Tensor.uniform([24], low: -0.5, high: 0.7, rng: &rng)
        let shared = try Tensor(shape: [1], values: [0.25])
        for (n, cin, h, w, channelCap) in [(2, 10, 9, 11, 8), (1, 16, 16, 16, .max)] {
            let x = Tensor.normal([n, cin, h, w], rng: &rng)
            let weight = Tensor.normal([24, cin, 3, 3], std: 0.3, rng: &rng)
            let bias = Tensor.normal([24], rng: &rng)
            let geo = try Tensor.geometry("test", channels: cin, height: h, width: w, kernel: (3, 3), stride: 1, padding: 1, dilation: 1)
            let plain = Tensor(zeros: [n, 24, h, w], zeroed: false)
            Tensor.convForward(input: x, weight: weight, geometry: geo, output: plain, bias: bias, algorithm: .im2col)
            let expectations: [(String, FusedActivation, Tensor)] = [
                ("none", .none, plain),
                ("relu", .relu, plain.relu()),
                ("leakyReLU", .leakyReLU(0.2), plain.leakyReLU(0.2)),
                ("prelu", .prelu(UnsafePointer(slopes.data), shared: false), try plain.prelu(weight: slopes)),
                ("prelu shared", .prelu(UnsafePointer(shared.data), shared: true), try plain.prelu(weight: shared)),
            ]
            for (label, activation, expected) in expectations {
                let fast = Tensor(zeros: plain.shape)
                Winograd.correlate(src: x.data, batch: n, channels: cin, height: h, width: w, pad: 1, weight: weight.data,
                                   outChannels: 24, transposed: false, bias: UnsafePointer(bias.data), activation: activation,
                                   dst: fast.data, outH: h, outW: w, maxBlockTiles: 7, maxChannelBlock: channelCap)
                assertClose(fast, shape: plain.shape, expected.values, atol: 1e-4, "\(label) n\(n) \(h)×\(w)")
            }
        }
    }
}
