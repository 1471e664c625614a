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
    public static func plan(inputs: [String], output: String, format: ImageFormat?) throws -> [BatchJob] {
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
        if roots.count == 1, !roots[0].isFolder, ImageFormat(url: out) != nil, !(outExists && isDir.boolValue) {
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

    /// The path with symlinks resolved in its existing part.
    static func resolved(_ url: URL) -> String {
        let dir = FileSystem.resolved(url.deletingLastPathComponent().path)
        return URL(fileURLWithPath: dir).appendingPathComponent(url.lastPathComponent).standardizedFileURL.path
    }
}
