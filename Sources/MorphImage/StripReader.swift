import Foundation
import CVipsShim

/// Reads an image's rows strictly top to bottom through a libvips region, keeping only the rows still needed.
///
/// Requests must move down the image (each starts at or after the previous start), which suits images opened for
/// sequential access; overlapping requests are served from the buffer, so no row is decoded twice.
final class StripReader {
    private let image: VipsImage
    private let region: UnsafeMutablePointer<_VipsRegion>
    /// Bytes in one interleaved row.
    let rowBytes: Int
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var firstRow = 0
    private var endRow = 0

    /// A reader holding at most `maxRows` rows at a time.
    init(_ image: VipsImage, maxRows: Int) throws {
        guard let region = vips_region_new(image.handle) else { throw ImageError.fromVips(image.file) }
        self.image = image
        self.region = region
        rowBytes = image.width * image.bands * Int(vips_format_sizeof(image.format))
        capacity = max(1, min(maxRows, image.height))
        buffer = .allocate(byteCount: capacity * rowBytes, alignment: 64)
    }

    deinit {
        buffer.deallocate()
        g_object_unref(UnsafeMutableRawPointer(region))
    }

    /// The interleaved bytes of rows `range` (valid until the next call), `rowBytes` apart.
    /// - Throws: `ImageError` when libvips fails to decode (corrupt or truncated data) or the request goes back up.
    func rows(_ range: Range<Int>) throws -> UnsafeRawPointer {
        guard range.lowerBound >= firstRow, range.upperBound <= image.height, range.count <= capacity else {
            throw ImageError.invalidArgument("\(image.file): strip rows \(range) requested out of order (buffer at \(firstRow)..<\(endRow))")
        }
        if range.lowerBound > firstRow {
            let keep = max(0, endRow - range.lowerBound)
            if keep > 0 { memmove(buffer, buffer + (range.lowerBound - firstRow) * rowBytes, keep * rowBytes) }
            firstRow = range.lowerBound
            endRow = max(endRow, firstRow)
        }
        while endRow < range.upperBound {
            let n = min(64, range.upperBound - endRow)
            var rect = VipsRect(left: 0, top: Int32(endRow), width: Int32(image.width), height: Int32(n))
            guard vips_region_prepare(region, &rect) == 0 else { throw ImageError.fromVips(image.file) }
            let skip = morph_vips_region_line_skip(region)
            guard let start = morph_vips_region_addr(region, 0, Int32(endRow)) else { throw ImageError.fromVips(image.file) }
            for i in 0..<n {
                memcpy(buffer + (endRow - firstRow + i) * rowBytes, start + i * skip, rowBytes)
            }
            endRow += n
        }
        return UnsafeRawPointer(buffer)
    }
}
