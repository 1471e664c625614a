import Foundation

/// Winograd-transformed input kept between the 3×3 convolutions that read growing channel prefixes of one
/// [1, C, H, W] buffer, as the five convs of a residual dense block do (conv k reads channels 0 ..< F + (k−1)·G and
/// writes the next G). Each conv then transforms only the channels that no earlier one did: a dense block transforms
/// F + 4G channels instead of 5F + 10G.
///
/// The cache holds the buffer, so its memory cannot be reused while cached. The caller promises that a channel,
/// once read by a conv through the cache, is not written again; `reset()` forgets everything.
/// The transformed input takes about 4 (F(2×2, 3×3)) or 2.25 (F(4×4, 3×3)) floats per pixel and channel; above
/// `maxFloats` the convs run uncached.
public final class WinogradInputCache {
    /// The buffer whose channel prefixes the convs read.
    public let buffer: Tensor
    private var storage: TensorStorage?
    private var transformed = 0
    private var padding = -1, tiles = -1, positions = -1

    /// The most floats of transformed input one cache holds (128 MiB).
    public static let maxFloats = 32 << 20

    /// A cache for convs that read channel prefixes of `buffer`.
    /// - Throws: `TensorError.invalidArgument` unless `buffer` is [1, C, H, W].
    public init(buffer: Tensor) throws {
        guard buffer.rank == 4, buffer.shape[0] == 1 else {
            throw TensorError.invalidArgument(op: "WinogradInputCache", "buffer \(buffer.shape) must be [1, C, H, W]")
        }
        self.buffer = buffer
    }

    /// Forgets every transformed channel (call after writing channels that a conv has read).
    public func reset() { transformed = 0 }

    /// Where the transformed input of `input` lives: V as [positions][channelStride][tiles] for `tile`'s algorithm,
    /// whose channels below `ready` are already transformed; nil when `input` is not a prefix of the buffer or the
    /// cache would exceed `maxFloats`.
    func lease(input: Tensor, padding pad: Int, tiles count: Int, tile: WinogradTile) -> Lease? {
        let c = buffer.shape[1]
        guard input.rank == 4, input.shape[0] == 1, input.shape[2] == buffer.shape[2], input.shape[3] == buffer.shape[3],
              input.shape[1] <= c, input.data == buffer.data else { return nil }
        let (floats, overflow) = (tile.positions * c).multipliedReportingOverflow(by: count)
        guard !overflow, floats <= WinogradInputCache.maxFloats else { return nil }
        // Another padding or algorithm moves every tile (and may change how many there are): start over, in storage
        // that fits.
        if pad != padding || count != tiles || tile.positions != positions {
            transformed = 0; padding = pad; tiles = count; positions = tile.positions
        }
        if (storage?.count ?? 0) < floats { storage = TensorStorage(count: floats, zeroed: false) }
        guard let storage else { return nil }
        return Lease(v: storage.pointer, channelStride: c, ready: min(transformed, input.shape[1]))
    }

    /// Records that channels below `channels` are transformed.
    func commit(channels: Int) { transformed = max(transformed, channels) }

    /// One conv's view of the cache.
    struct Lease {
        let v: UnsafeMutablePointer<Float>
        let channelStride: Int
        let ready: Int
    }
}
