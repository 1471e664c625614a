import Foundation

/// Checks a zip archive's directory records before ZIPFoundation reads them.
///
/// ZIPFoundation converts the 64-bit offsets it reads (the ZIP64 end record's central-directory offset, each
/// entry's local-header offset) to `off_t` for `fseeko`, and that conversion traps above 2⁶³: a 4 KB file with such
/// a value killed the process (a pth-zip fuzz finding). This walk reads the same records the same way and
/// requires every offset, with the record it points to, to lie inside the file, and every 64-bit size to be
/// below 2⁶². It reads only the end records and the directory entries, never member data.
public enum ZipDirectoryCheck {
    /// Largest 64-bit size accepted in a ZIP64 record (far above any real archive, far below the trap).
    static let largestSize: UInt64 = 1 << 62

    /// Throws `CheckpointError.malformed` naming `url` when a directory record points outside the file. A file
    /// with no end-of-central-directory record passes (ZIPFoundation then refuses it as no zip).
    public static func validate(_ url: URL) throws {
        let path = url.path
        func fail(_ reason: String) -> CheckpointError { .malformed(file: path, reason: "zip directory: " + reason) }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch { throw fail("cannot be read (\(error.localizedDescription))") }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        func read(_ offset: UInt64, _ count: UInt64, _ what: String) throws -> [UInt8] {
            guard offset <= size, count <= size - offset else {
                throw fail("\(what) at byte \(offset) (\(count) bytes) lies outside the \(size)-byte file")
            }
            try handle.seek(toOffset: offset)
            return [UInt8](try handle.read(upToCount: Int(count)) ?? Data())
        }
        // The end-of-central-directory record: ZIPFoundation takes the last signature with 22 bytes after it,
        // scanning back through the whole file.
        guard let endOffset = try lastEndRecord(size: size, read: read) else { return }
        let end = try read(endOffset, 22, "the end record")
        var entries = UInt64(le16(end, 10))
        var directory = UInt64(le32(end, 16)), directorySize = UInt64(le32(end, 12))
        // A ZIP64 locator in the 20 bytes before it means the ZIP64 end record sits in the 56 bytes before that
        // (ZIPFoundation reads it there, whatever offset the locator names), and its values count.
        if endOffset > 20, endOffset - 20 > 56 {
            let locator = try read(endOffset - 20, 20, "the ZIP64 locator")
            let record = try read(endOffset - 20 - 56, 56, "the ZIP64 end record")
            if le32(locator, 0) == 0x0706_4b50, le32(record, 0) == 0x0606_4b50 {
                entries = le64(record, 32)
                directorySize = le64(record, 40)
                directory = le64(record, 48)
            }
        }
        guard directory <= size else { throw fail("central directory at byte \(directory) lies outside the \(size)-byte file") }
        guard directorySize < largestSize else { throw fail("central directory size \(directorySize) is out of range") }
        // Walk the entries as ZIPFoundation's iterator does: one after another from the directory offset, until the
        // declared count or the first record that is not a directory entry. Each is at least 46 bytes, so the walk
        // ends within size / 46 steps whatever the declared count.
        var index = directory, seen: UInt64 = 0
        while seen < entries, index <= size, size - index >= 46 {
            let fixed = try read(index, 46, "a central directory entry")
            guard le32(fixed, 0) == 0x0201_4b50 else { break }
            let nameLength = UInt64(le16(fixed, 28)), extraLength = UInt64(le16(fixed, 30)), commentLength = UInt64(le16(fixed, 32))
            let extra = try read(index + 46 + nameLength, extraLength, "an entry's extra field")
            let offset = try localHeaderOffset(fixed: fixed, extra: extra, fail: fail)
            _ = try read(offset, 30, "a local file header")
            index += 46 + nameLength + extraLength + commentLength
            seen += 1
        }
    }

    /// The entry's local-header offset, from its ZIP64 extra field when the 32-bit field holds 0xFFFFFFFF; every
    /// 64-bit value in a ZIP64 extra field must be below `largestSize`.
    static func localHeaderOffset(fixed: [UInt8], extra: [UInt8], fail: (String) -> CheckpointError) throws -> UInt64 {
        let compressed = le32(fixed, 20), uncompressed = le32(fixed, 24), offset32 = le32(fixed, 42)
        var offset = UInt64(offset32)
        var p = 0
        while p + 4 <= extra.count {
            let id = le16(extra, p), length = Int(le16(extra, p + 2))
            let body = p + 4
            guard body + length <= extra.count else { break }
            if id == 0x0001 {
                var words: [UInt64] = []
                var w = body
                while w + 8 <= body + length { words.append(le64(extra, w)); w += 8 }
                if let big = words.first(where: { $0 >= largestSize }) { throw fail("ZIP64 value \(big) is out of range") }
                // Present in this order, each only when its 32-bit field is 0xFFFFFFFF.
                var next = 0
                if uncompressed == 0xFFFF_FFFF { next += 1 }
                if compressed == 0xFFFF_FFFF { next += 1 }
                if offset32 == 0xFFFF_FFFF, next < words.count, words[next] > 0 { offset = words[next] }
            }
            p = body + length
        }
        return offset
    }

    /// The offset of the last end-of-central-directory signature with at least 22 bytes from it to the end of the
    /// file, read back in chunks of 1 MiB.
    static func lastEndRecord(size: UInt64, read: (UInt64, UInt64, String) throws -> [UInt8]) throws -> UInt64? {
        guard size >= 22 else { return nil }
        let chunk: UInt64 = 1 << 20
        var last = size - 22  // the highest offset a signature may start at
        while true {
            let start = last >= chunk ? last - chunk + 1 : 0
            let bytes = try read(start, last - start + 4, "the archive's tail")
            var i = Int(last - start)
            while i >= 0 {
                if le32(bytes, i) == 0x0605_4b50 { return start + UInt64(i) }
                i -= 1
            }
            if start == 0 { return nil }
            last = start - 1
        }
    }

    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(LittleEndian.unsigned(b[i..<(i + 2)])) }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(LittleEndian.unsigned(b[i..<(i + 4)])) }
    static func le64(_ b: [UInt8], _ i: Int) -> UInt64 { LittleEndian.unsigned(b[i..<(i + 8)]) }
}
