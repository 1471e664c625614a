/// Shape helpers shared by the NCHW ops (padding, norms, resampling, pooling).
extension Tensor {
    /// The sizes of an NCHW tensor.
    /// - Throws: `TensorError.wrongRank` when the tensor is not rank 4.
    func planeDims(_ op: String) throws -> (n: Int, c: Int, h: Int, w: Int) {
        guard shape.count == 4 else { throw TensorError.wrongRank(op: op, expected: 4, got: shape) }
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// Checks that an optional per-channel parameter holds `channels` values and returns its data.
    /// - Throws: `TensorError.shapeMismatch` naming the parameter's shape and `[channels]`.
    static func channelParameter(_ t: Tensor?, _ channels: Int, _ op: String) throws -> UnsafeMutablePointer<Float>? {
        guard let t else { return nil }
        guard t.count == channels, t.shape.filter({ $0 != 1 }).count <= 1 else {
            throw TensorError.shapeMismatch(op: op, t.shape, [channels])
        }
        return t.data
    }
}
