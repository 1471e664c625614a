import Foundation
import MorphImage
import MorphSupport

/// Turns the command line's inputs and `-o` into batch jobs, refusing anything that could overwrite an input.
public enum JobPlanner {
    /// The jobs for `inputs` (files or folders, searched recursively) written under `output`.
    ///
    /// One input file with an `-o` naming an image file (by extension, and not an existing folder) writes that
    /// file. Otherwise `output` is a folder: a single folder input is mirrored into it; with several inputs each
    /// folder is mirrored into `output/<folder name>` and each file goes to `output/<file name>`. `format`
    /// replaces the extension.
    /// - Throws: `PipelineError.usage` for a missing input, an empty selection, an output folder inside an input
    ///   folder, an output that is an input, or two inputs mapping to the same output.
    ///   Several inputs, or a folder, with an `-o` that names an image file (by extension) is a usage error.
    ///   `suffix` (Real-ESRGAN's `--suffix`) is appended to each mirrored output's file name: `photo_<suffix>.png`.
    public static func plan(inputs: [String], output: String, format: ImageFormat?, suffix: String? = nil) throws -> [BatchJob] {
        guard !inputs.isEmpty else { throw PipelineError.usage("no input files or folders given") }
        let out = URL(fileURLWithPath: output).standardizedFileURL
        var roots: [(url: URL, isFolder: Bool)] = []
        for path in inputs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw PipelineError.usage("\(path): no such file or folder")
            }
            roots.append((URL(fileURLWithPath: path).standardizedFileURL, isDir.boolValue))
        }
        var outIsFolder = true
        var isDir: ObjCBool = false
        let outExists = FileManager.default.fileExists(atPath: out.path, isDirectory: &isDir)
        if ImageFormat(url: out) != nil, !(outExists && isDir.boolValue) {
            guard roots.count == 1, !roots[0].isFolder else {
                let what = roots.count == 1 ? "a folder was given as input" : "\(roots.count) inputs were given"
                throw PipelineError.usage("-o \(output) names one image file, but \(what); give an output folder instead")
            }
            outIsFolder = false
        }
        var jobs: [BatchJob] = []
        if !outIsFolder {
            let input = roots[0].url
            let target = format.map { out.deletingPathExtension().appendingPathExtension($0.fileExtension) } ?? out
            jobs.append(BatchJob(input: input, output: target))
        } else {
            if outExists && !isDir.boolValue {
                throw PipelineError.usage("\(out.path): exists and is not a folder")
            }
            for root in roots {
                if root.isFolder {
                    if ImageFiles.isInside(out, root.url) {
                        throw PipelineError.usage("\(out.path): output folder is inside the input folder \(root.url.path); refusing")
                    }
                    let base = roots.count == 1 ? out : out.appendingPathComponent(root.url.lastPathComponent)
                    let files: [URL]
                    do { files = try ImageFiles.discover(root.url, excluding: out) } catch {
                        throw PipelineError.usage(String(describing: error))
                    }
                    for file in files {
                        jobs.append(BatchJob(input: file, output: ImageFiles.mirroredPath(
                            for: file, inputRoot: root.url, outputRoot: base, format: format)))
                    }
                } else {
                    jobs.append(BatchJob(input: root.url, output: ImageFiles.mirroredPath(
                        for: root.url, inputRoot: root.url, outputRoot: out, format: format)))
                }
            }
        }
        guard !jobs.isEmpty else { throw PipelineError.usage("no image files found in \(inputs.joined(separator: ", "))") }
        if outIsFolder { jobs = adding(suffix: suffix, to: jobs) }
        var seen: [String: String] = [:]
        let inputPaths = Set(jobs.map { resolved($0.input) })
        for job in jobs {
            let target = resolved(job.output)
            if inputPaths.contains(target) {
                throw PipelineError.usage("\(job.output.path): output is an input file; refusing to overwrite it")
            }
            if let other = seen[target] {
                throw PipelineError.usage("\(job.output.path): both \(other) and \(job.input.path) would be written here")
            }
            seen[target] = job.input.path
        }
        return jobs
    }

    /// `jobs` with `_<suffix>` appended to each output's file name (`photo.png` → `photo_out.png`); nil or empty
    /// changes nothing.
    public static func adding(suffix: String?, to jobs: [BatchJob]) -> [BatchJob] {
        guard let suffix, !suffix.isEmpty else { return jobs }
        return jobs.map { job in
            let name = job.output.deletingPathExtension().lastPathComponent + "_" + suffix
            let renamed = job.output.deletingLastPathComponent().appendingPathComponent(name)
                .appendingPathExtension(job.output.pathExtension)
            return BatchJob(input: job.input, output: renamed, companion: job.companion)
        }
    }

    /// The path with symlinks resolved in its existing part.
    static func resolved(_ url: URL) -> String {
        let dir = FileSystem.resolved(url.deletingLastPathComponent().path)
        return URL(fileURLWithPath: dir).appendingPathComponent(url.lastPathComponent).standardizedFileURL.path
    }
}
