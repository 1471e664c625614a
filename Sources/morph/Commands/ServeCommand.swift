import ArgumentParser
import Foundation
import MorphServe
import MorphSupport

/// `morph serve`: the local web app (inpaint, upscale and translate, training runs) and its HTTP API.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web app and its HTTP API.",
        discussion: """
        Listens on 127.0.0.1 unless --host says otherwise; any other address needs --token (or --token generate), \
        and every API call must then send "Authorization: Bearer <token>". Models are chosen by name: the built-ins, \
        checkpoints under --models, and the runs under --runs. Each job runs as a child `morph` process, one at a \
        time per model; a cancelled request stops its job.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "Folder of extra checkpoints (.pth, .pt, .ckpt, .safetensors, .bin) offered by their relative path.")
    var models: String?

    @Option(help: "Folder holding training run folders (as `morph train --out` writes them).")
    var runs: String?

    @Option(help: "Token every API call must carry; 'generate' makes and prints a random one.")
    var token: String?

    @Option(help: "Largest upload accepted, in MiB.")
    var maxUploadMb = 64

    @Option(help: "Largest image accepted, in megapixels.")
    var maxMegapixels = 50.0

    @Flag(help: "Open the app in the default browser.")
    var open = false

    func validate() throws {
        guard maxUploadMb >= 1, maxUploadMb <= 4096 else { throw ValidationError("--max-upload-mb must be between 1 and 4096") }
        guard maxMegapixels > 0, maxMegapixels <= 1000 else { throw ValidationError("--max-megapixels must be above 0 and at most 1000") }
    }

    func run() throws {
        let token = self.token == "generate" ? ServeConfiguration.generateToken() : self.token
        let configuration = ServeConfiguration(
            host: host, port: port, modelsFolder: models.map { URL(fileURLWithPath: $0) },
            runsFolder: runs.map { URL(fileURLWithPath: $0) }, token: token, maxUploadBytes: maxUploadMb << 20,
            maxPixels: Int(maxMegapixels * 1_000_000), executable: ServeCommand.executable())
        do { try configuration.validate() } catch let error as ServeError {
            FileHandle.standardError.write(Data("morph: \(error.detail)\n".utf8))
            throw ExitCode(2)
        }
        let server = MorphServer(configuration: configuration)
        let open = self.open
        let application = server.application { port in
            let url = configuration.url(port: port)
            print("morph serve: \(url)")
            if configuration.token != nil, self.token == "generate" { print("token: \(configuration.token ?? "")") }
            fflush(stdout)
            if open { ServeCommand.openBrowser(url) }
        }
        Task {
            do {
                try await application.runService()
                Foundation.exit(0)
            } catch {
                FileHandle.standardError.write(Data("morph: serve: \(CLIFailure.lines(for: error).joined(separator: "; "))\n".utf8))
                Foundation.exit(2)
            }
        }
        dispatchMain()
    }

    /// This executable's own path (child jobs run it).
    static func executable() -> URL {
        if let resolved = FileSystem.realPath("/proc/self/exe") { return URL(fileURLWithPath: resolved) }
        return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// Opens `url` with the desktop's opener (`xdg-open` on Linux, `open` on macOS); says so when there is none.
    static func openBrowser(_ url: String) {
        #if os(macOS)
        let opener: String? = "/usr/bin/open"
        #else
        let opener = ["/usr/bin/xdg-open", "/usr/local/bin/xdg-open"].first { FileManager.default.isExecutableFile(atPath: $0) }
        #endif
        guard let opener else {
            print("morph serve: no xdg-open here; open \(url) in a browser")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { print("morph serve: cannot run \(opener); open \(url) in a browser") }
    }
}
