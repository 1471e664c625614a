/// How `Winograd.correlate` cuts one image: groups of tiles whose transformed input fits a bounded scratch, and
/// inside a group, jobs of `tiles` tiles × `outChannels` output channels, enough of them for every worker.
struct WinogradPlan: Equatable {
    /// Tiles transformed together (V holds positions · inner · group floats); all of them for `wholeImage` (whatever
    /// `maxGroupTiles` says), where V is a `WinogradInputCache` bounded by its own budget or per-job scratch.
    let group: Int
    /// Tiles per job: the n side of the job's sgemms.
    let tiles: Int
    /// Output channels per job: the m side of the job's sgemms.
    let outChannels: Int

    /// Floats of transformed input held at once.
    static let inputBudget = 4 << 20
    /// Floats of one job's products M (16 · outChannels · tiles), so that they are still in cache for the output transform.
    static let productBudget = 512 << 10
    /// m · n · k of one job's sgemm to aim for: half of the 10⁶ up to which OpenBLAS (0.3.x, AVX-512 cores)
    /// multiplies in place instead of packing both operands. At Winograd's shapes (m = 64 output channels,
    /// k ≤ 128 input channels) packing costs about what it saves, and single-threaded sgemms of 64 × 128 × 64
    /// ran 25–35 % faster than 64 × 256 × 64 (`conv3x3_c64_256x256` gained 9 %). With more input channels no
    /// block of ≥ 64 tiles fits, and the plan keeps its larger blocks.
    static let unpackedVolume = 512 << 10
    /// Up to this many output channels, a job transforms its own tile block (V then takes 16 · inner · tiles floats
    /// per thread, which stays in cache); with more, a 256-channel block's V would not, and a whole phase transforms
    /// the group first.
    static let perJobOutChannels = 64
    /// Jobs per worker to aim for, so a core slowed by other work does not hold up the rest.
    static let jobsPerWorker = 2

    init(inner: Int, outer: Int, totalTiles: Int, workers: Int, positions: Int = WinogradTile.f2x3.positions,
         maxBlockTiles: Int = .max, maxChannelBlock: Int = .max, maxGroupTiles: Int = .max, wholeImage: Bool = false) {
        let budgeted = max(64, WinogradPlan.inputBudget / (positions * max(1, inner)))
        let group = max(1, wholeImage ? totalTiles : min(totalTiles, maxGroupTiles, budgeted))
        var kb = max(1, min(outer, maxChannelBlock))
        var tb = max(1, min(group, maxBlockTiles, max(64, WinogradPlan.productBudget / (positions * kb)), 256))
        // Where jobs of ≤ 64 output channels and ≥ 64 tiles fit OpenBLAS' unpacked range, cut them to fit.
        if min(kb, 64) * 64 * inner <= WinogradPlan.unpackedVolume {
            kb = min(kb, 64)
            while tb > 64 && kb * tb * inner > WinogradPlan.unpackedVolume { tb /= 2 }
        }
        func jobs() -> Int { ((group + tb - 1) / tb) * ((outer + kb - 1) / kb) }
        let target = workers > 1 ? WinogradPlan.jobsPerWorker * workers : 1
        // Split output channels down to 64, then tiles down to 64, then channels down to 32; blocks stay multiples of 8.
        while jobs() < target {
            if kb > 64 { kb = max(64, (kb / 2 + 7) / 8 * 8) } else if tb > 64 { tb = max(64, tb / 2) } else if kb > 32 {
                kb = max(32, (kb / 2 + 7) / 8 * 8)
            } else { break }
        }
        self.group = group
        self.tiles = tb
        self.outChannels = kb
    }
}
