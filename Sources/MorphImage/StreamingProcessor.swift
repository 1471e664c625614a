import Foundation
import MorphSupport
import CVipsShim
import MorphTensor

/// Runs a model over an image too big for memory, strip by strip (one tile row at a time).
///
/// Input rows are read top to bottom from a sequential-access libvips image. Finished output rows are quantised
/// (8/16-bit, gray or RGB, alpha upscaled bicubic) and appended to a temporary raw file next to the destination;
/// at the end libvips streams that file into the final format, written atomically. Peak memory is about one strip of
/// Float output (3 × tile·s × width·s) plus the raw file's mapped pages during the final save.
public enum StreamingProcessor {
    /// Processes `input` into `output` with `model` tiled by `tiler`; returns the source layout that was kept.
    /// - Throws: `ImageError` naming the file for read, decode, model-shape and write failures.
    @discardableResult
    public static func run(input: URL, output: URL, options: SaveOptions = SaveOptions(), tiler: Tiler,
                           range: TensorRange, model: Tiler.Model) throws -> SourceDescription {
        let dest = output.standardizedFileURL
        guard let format = options.format ?? ImageFormat(url: dest) else {
            throw ImageError.invalidArgument("\(dest.path): cannot tell the output format from the extension '\(dest.pathExtension)'")
        }
        if FileSystem.sameFile(input.path, dest.path) { throw ImageError.outputIsInput(file: dest.path) }
        let image = try ImageLoader.openStreaming(input)
        let source = try SourceDescription(image)
        let outDepth = format.supports16Bit ? source.bitDepth : 8
        let outBands = source.bands
        let h = source.height, w = source.width
        let rowSpans = tiler.spans(length: h)
        let maxRows = rowSpans.map(\.length).max() ?? h
        let reader = try StripReader(image, maxRows: maxRows)

        let rawPath = FileSystem.temporaryPath(near: dest, suffix: "raw")
        guard let file = fopen(rawPath, "wb") else {
            throw ImageError.io(file: dest.path, message: "cannot create \(rawPath): \(String(cString: strerror(errno)))")
        }
        var fileOpen = true
        defer {
            if fileOpen { fclose(file) }
            unlink(rawPath)
        }

        var accumulator: StripAccumulator?
        var writer: RowWriter?
        for (index, span) in rowSpans.enumerated() {
            let raw = try reader.rows(span.start..<span.end)
            let strip = Tensor(zeros: [1, 3, span.length, w], zeroed: false)
            PixelPacking.planarize(src: raw, rowStride: reader.rowBytes, width: w, rows: span.length, bands: source.bands,
                                   bitDepth: source.bitDepth, range: range, rgb: strip.data,
                                   planeStride: span.length * w, alpha: nil)
            try tiler.accumulateStrip(strip, rowSpan: span, imageHeight: h, model: model) { scale, channels, width in
                if let accumulator { return accumulator }
                guard channels == 3 else {
                    throw ImageError.invalidArgument("\(input.path): model gives \(channels) channels, expected 3")
                }
                let made = StripAccumulator(channels: channels, capacity: maxRows * scale, width: width)
                accumulator = made
                writer = try RowWriter(file: file, path: dest.path, source: source, input: input, bands: outBands,
                                       bitDepth: outDepth, scale: scale, range: range)
                return made
            }
            guard let acc = accumulator, let writer else { throw ImageError.invalidArgument("\(input.path): no tiles ran") }
            let done = (index + 1 < rowSpans.count ? rowSpans[index + 1].start : h) * writer.scale
            let count = done - acc.firstRow
            acc.normalize(rows: count)
            try writer.write(acc, rows: count)
            acc.shift(rows: count)
        }
        guard let writer else { throw ImageError.invalidArgument("\(input.path): no tiles ran") }
        fileOpen = false
        guard fclose(file) == 0 else { throw ImageError.io(file: dest.path, message: "writing \(rawPath) failed") }

        var out: UnsafeMutablePointer<_VipsImage>?
        guard morph_vips_rawload(rawPath, &out, Int32(w * writer.scale), Int32(h * writer.scale), Int32(outBands),
                                 outDepth == 16 ? VIPS_FORMAT_USHORT : VIPS_FORMAT_UCHAR,
                                 ImageInterpretation.vips(gray: source.isGray, bitDepth: outDepth)) == 0, let out else {
            throw ImageError.fromVips(dest.path)
        }
        let result = try VipsImage(owning: out, file: rawPath)
            .withMetadata(iccProfile: source.iccProfile, exif: source.exif)
        try ImageWriter.save(result, to: dest, options: options, input: input)
        return source
    }
}

/// Turns finished accumulator rows into interleaved output rows (with upscaled alpha) and appends them to a file.
private final class RowWriter {
    let file: UnsafeMutablePointer<FILE>
    let path: String
    let bands: Int, bitDepth: Int, scale: Int, width: Int
    let range: TensorRange
    let alphaReader: StripReader?
    let alphaDepth: Int
    private var rowsWritten = 0
    private var bytes: UnsafeMutableRawPointer
    private var bytesCapacity = 0
    private var alphaPlane: UnsafeMutablePointer<Float>
    private var alphaCapacity = 0

    init(file: UnsafeMutablePointer<FILE>, path: String, source: SourceDescription, input: URL, bands: Int,
         bitDepth: Int, scale: Int, range: TensorRange) throws {
        self.file = file
        self.path = path
        self.bands = bands
        self.bitDepth = bitDepth
        self.scale = scale
        self.range = range
        width = source.width * scale
        alphaDepth = source.bitDepth
        if source.hasAlpha {
            // The alpha band alone is small (one byte or two per input pixel): decode it and upscale it lazily.
            let alpha = try ImageLoader.load(input).extractBands(source.bands - 1).decoded()
            let upscaled = scale == 1 ? alpha : try alpha.resizedCubic(width: width, height: source.height * scale)
            alphaReader = try StripReader(upscaled, maxRows: 64)
        } else {
            alphaReader = nil
        }
        bytes = .allocate(byteCount: 1, alignment: 64)
        alphaPlane = .allocate(capacity: 1)
    }

    deinit {
        bytes.deallocate()
        alphaPlane.deallocate()
    }

    /// Writes the first `rows` (normalised) rows of `acc`.
    func write(_ acc: StripAccumulator, rows: Int) throws {
        var done = 0
        while done < rows {
            let n = min(64, rows - done)
            let needed = n * width * bands * bitDepth / 8
            if needed > bytesCapacity {
                bytes.deallocate()
                bytes = .allocate(byteCount: needed, alignment: 64)
                bytesCapacity = needed
            }
            var alpha: UnsafePointer<Float>?
            if let alphaReader {
                if n * width > alphaCapacity {
                    alphaPlane.deallocate()
                    alphaPlane = .allocate(capacity: n * width)
                    alphaCapacity = n * width
                }
                let src = try alphaReader.rows(rowsWritten..<(rowsWritten + n))
                let count = n * width
                if alphaDepth == 16 {
                    let p = src.assumingMemoryBound(to: UInt16.self)
                    for i in 0..<count { alphaPlane[i] = Float(p[i]) * (1 / 65535) }
                } else {
                    let p = src.assumingMemoryBound(to: UInt8.self)
                    for i in 0..<count { alphaPlane[i] = Float(p[i]) * (1 / 255) }
                }
                alpha = UnsafePointer(alphaPlane)
            }
            PixelPacking.interleave(rgb: acc.tensor.data + done * width, planeStride: acc.capacity * width, alpha: alpha,
                                    width: width, rows: n, bands: bands, bitDepth: bitDepth, range: range, dst: bytes)
            guard fwrite(bytes, 1, needed, file) == needed else {
                throw ImageError.io(file: path, message: "writing temporary strip data failed: \(String(cString: strerror(errno)))")
            }
            done += n
            rowsWritten += n
        }
    }
}
