/// Gray from RGB by ITU-R BT.601 (libvips' and PIL's `L` weights): what gray images and gray models see.
public enum Luma {
    /// 0.299 R + 0.587 G + 0.114 B.
    @inlinable @inline(__always)
    public static func rec601(_ r: Float, _ g: Float, _ b: Float) -> Float { 0.299 * r + 0.587 * g + 0.114 * b }
}
