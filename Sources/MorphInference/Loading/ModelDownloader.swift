import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Errors of `ModelDownloader`; each prints as one line naming the URL or the file.
public enum DownloadError: Error, CustomStringConvertible, Equatable {
    /// The server answered with an HTTP error status.
    case http(url: String, status: Int)
    /// The transfer kept failing (connection lost, too few bytes) after every attempt.
    case transfer(url: String, String)
    /// The file's SHA-256 is not the published one; the file was removed.
    case checksum(file: String, expected: String, actual: String)
    /// The file could not be written.
    case file(path: String, String)

    public var description: String {
        switch self {
        case let .http(url, status): return "\(url): the server answered HTTP \(status)"
        case let .transfer(url, cause): return "\(url): download failed: \(cause)"
        case let .checksum(file, expected, actual):
            return "\(file): SHA-256 is \(actual), expected \(expected); the file was removed"
        case let .file(path, cause): return "\(path): \(cause)"
        }
    }
}

/// Downloads one file over HTTP(S) into place: bytes go to `<file>.part`, an interrupted transfer resumes from the
/// bytes already there (an HTTP Range request; a server that ignores it sends everything again), the SHA-256 is
/// checked when one is expected, and only then is the file renamed into place. A failed checksum removes the file.
public struct ModelDownloader {
    /// Transfers tried before giving up (each resumes where the one before stopped).
    public var attempts: Int
    /// Called as bytes arrive: bytes so far, total when the server said it.
    public var progress: (Int64, Int64?) -> Void

    /// A downloader trying `attempts` times.
    public init(attempts: Int = 4, progress: @escaping (Int64, Int64?) -> Void = { _, _ in }) {
        self.attempts = max(1, attempts)
        self.progress = progress
    }

    /// Downloads `url` to `destination` and returns the file's SHA-256.
    /// - Throws: `DownloadError`: an HTTP error status, a transfer that kept failing, a checksum that is not
    ///   `sha256` (the file is removed), or a file that cannot be written.
    @discardableResult
    public func download(_ url: URL, to destination: URL, sha256 expected: String? = nil) throws -> String {
        let part = destination.appendingPathExtension("part")
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
        } catch {
            throw DownloadError.file(path: destination.deletingLastPathComponent().path, "cannot create the folder")
        }
        var lastCause = "no attempt made"
        var finished = false
        for _ in 0..<attempts {
            let attributes = try? FileManager.default.attributesOfItem(atPath: part.path)
            let have = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
            let outcome = try Transfer(url: url, part: part, offset: have, progress: progress).run()
            switch outcome {
            case .complete: finished = true
            case let .interrupted(cause): lastCause = cause
            case .rangeNotSatisfiable: try? FileManager.default.removeItem(at: part); lastCause = "the server refused to resume"
            }
            if finished { break }
        }
        guard finished else { throw DownloadError.transfer(url: url.absoluteString, lastCause) }
        let actual: String
        do { actual = try SHA256.hexDigest(of: part) } catch {
            throw DownloadError.file(path: part.path, "cannot read the downloaded file back")
        }
        if let expected, expected.lowercased() != actual {
            try? FileManager.default.removeItem(at: part)
            throw DownloadError.checksum(file: destination.path, expected: expected.lowercased(), actual: actual)
        }
        do {
            if FileManager.default.fileExists(atPath: destination.path) { try FileManager.default.removeItem(at: destination) }
            try FileManager.default.moveItem(at: part, to: destination)
        } catch {
            throw DownloadError.file(path: destination.path, "cannot move the download into place")
        }
        return actual
    }
}

/// One HTTP transfer appending to a `.part` file, run synchronously.
private final class Transfer: NSObject, URLSessionDataDelegate {
    enum Outcome { case complete, interrupted(String), rangeNotSatisfiable }

    let url: URL
    let part: URL
    let offset: Int64
    let progress: (Int64, Int64?) -> Void
    private var handle: FileHandle?
    private var received: Int64 = 0
    private var expected: Int64?
    private var total: Int64?
    private var outcome: Outcome = .interrupted("no response")
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)

    init(url: URL, part: URL, offset: Int64, progress: @escaping (Int64, Int64?) -> Void) {
        self.url = url
        self.part = part
        self.offset = offset
        self.progress = progress
    }

    func run() throws -> Outcome {
        var request = URLRequest(url: url, timeoutInterval: 60)
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        session.dataTask(with: request).resume()
        done.wait()
        session.finishTasksAndInvalidate()
        try? handle?.close()
        if let failure { throw failure }
        return outcome
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 200
        let length = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        var start: Int64 = 0
        switch status {
        case 206: start = offset
        case 200: start = 0
        case 416:
            outcome = .rangeNotSatisfiable
            completionHandler(.cancel)
            return
        default:
            failure = DownloadError.http(url: url.absoluteString, status: status)
            completionHandler(.cancel)
            return
        }
        do {
            if start == 0 || !FileManager.default.fileExists(atPath: part.path) {
                guard FileManager.default.createFile(atPath: part.path, contents: nil) else {
                    throw DownloadError.file(path: part.path, "cannot create the file")
                }
                start = 0
            }
            let handle = try FileHandle(forWritingTo: part)
            try handle.truncate(atOffset: UInt64(start))
            try handle.seekToEnd()
            self.handle = handle
        } catch {
            failure = error as? DownloadError ?? DownloadError.file(path: part.path, "cannot write the file")
            completionHandler(.cancel)
            return
        }
        received = start
        expected = length
        total = length.map { $0 + start }
        progress(received, total)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let handle, failure == nil else { return }
        do { try handle.write(contentsOf: data) } catch {
            failure = DownloadError.file(path: part.path, "cannot write the file (disk full?)")
            dataTask.cancel()
            return
        }
        received += Int64(data.count)
        progress(received, total)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        defer { done.signal() }
        if failure != nil { return }
        if case .rangeNotSatisfiable = outcome { return }
        if let error {
            outcome = .interrupted((error as NSError).localizedDescription)
        } else if let total, received < total {
            outcome = .interrupted("connection closed after \(received) of \(total) bytes")
        } else {
            outcome = .complete
        }
    }
}
