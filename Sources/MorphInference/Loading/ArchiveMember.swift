import Foundation
import MorphCheckpoint
import MorphSupport
import ZIPFoundation

/// Takes one checkpoint out of a downloaded zip archive: LaMa publishes Big-LaMa as `big-lama.zip`, which holds
/// `big-lama/models/best.ckpt` next to its training config. The archive is data: only the one member is read, its
/// bytes are streamed to a temporary file next to the destination (checked against its CRC-32, never more than the
/// size it declares, and that size bounded by the archive's) and renamed into place, so a failure leaves nothing.
enum ArchiveMember {
    /// How many times larger than the whole archive a member may declare itself (checkpoints barely compress).
    static let maximumRatio: UInt64 = 64

    /// Writes the member of `archive` whose path is `member` or ends with `/member` to `destination`.
    /// - Throws: `DownloadError.file` naming the archive when it is no zip, has no such member or several, or the
    ///   member is damaged; naming the destination when it cannot be written.
    static func extract(_ member: String, from archive: URL, to destination: URL) throws {
        func bad(_ cause: String) -> DownloadError { .file(path: archive.path, cause) }
        do { try ZipDirectoryCheck.validate(archive) } catch let CheckpointError.malformed(_, reason) { throw bad(reason) }
        let zip: Archive
        do { zip = try Archive(url: archive, accessMode: .read) } catch { throw bad("not a zip archive") }
        let matches = zip.filter { $0.type == .file && ($0.path == member || $0.path.hasSuffix("/" + member)) }
        guard let entry = matches.first else { throw bad("the archive holds no \(member)") }
        guard matches.count == 1 else {
            throw bad("the archive holds \(matches.count) files named \(member): \(matches.map(\.path).joined(separator: ", "))")
        }
        let archiveSize = ((try? FileManager.default.attributesOfItem(atPath: archive.path))?[.size] as? NSNumber)?.uint64Value ?? 0
        let (bound, overflow) = archiveSize.multipliedReportingOverflow(by: maximumRatio)
        guard overflow || entry.uncompressedSize <= bound else {
            throw bad("\(entry.path) declares \(entry.uncompressedSize) bytes, more than \(maximumRatio)× the archive")
        }
        let declared = entry.uncompressedSize
        try FileSystem.writeAtomically(to: destination) { temp in
            guard FileManager.default.createFile(atPath: temp, contents: nil),
                  let handle = FileHandle(forWritingAtPath: temp) else {
                throw DownloadError.file(path: destination.path, "cannot create the file")
            }
            defer { try? handle.close() }
            var written: UInt64 = 0
            do {
                _ = try zip.extract(entry, skipCRC32: false) { chunk in
                    written += UInt64(chunk.count)
                    guard written <= declared else { throw bad("\(entry.path) holds more bytes than it declares") }
                    try handle.write(contentsOf: chunk)
                }
            } catch let error as DownloadError {
                throw error
            } catch {
                throw bad("cannot extract \(entry.path): \(ErrorText.line(error))")
            }
            guard written == declared else {
                throw bad("\(entry.path) holds \(written) bytes, but declares \(declared)")
            }
        }
    }
}
