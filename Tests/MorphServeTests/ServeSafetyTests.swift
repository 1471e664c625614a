import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import MorphServe
import XCTest

/// The token, host names, path traversal (`..`, absolute paths, symlinks out of the folders) and the limits.
final class ServeSafetyTests: XCTestCase {
    var sandbox: ServeSandbox!

    override func setUpWithError() throws { sandbox = try ServeSandbox() }
    override func tearDown() { sandbox.remove() }

    func testANonLoopbackBindNeedsAToken() throws {
        XCTAssertThrowsError(try sandbox.configuration(host: "0.0.0.0").validate()) { error in
            XCTAssertEqual((error as? ServeError)?.status, 400)
            XCTAssertTrue("\(error)".contains("--token"))
        }
        XCTAssertNoThrow(try sandbox.configuration(token: "secret-token-1", host: "0.0.0.0").validate())
        XCTAssertThrowsError(try sandbox.configuration(token: "short", host: "0.0.0.0").validate())
        XCTAssertNoThrow(try sandbox.configuration().validate())
        let generated = ServeConfiguration.generateToken()
        XCTAssertEqual(generated.count, 32)
        XCTAssertNotEqual(generated, ServeConfiguration.generateToken())
    }

    func testEveryCallNeedsTheTokenAndPagesTradeItForACookie() async throws {
        let token = "s3cret-token"
        let image = try ServeFixtures.png(width: 8, height: 8)
        try await sandbox.withClient(sandbox.configuration(token: token)) { client in
            for uri in ["/", "/runs", "/api/models", "/api/runs"] {
                let response = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(response.status, .unauthorized, uri)
                XCTAssertEqual(response.json["error"] as? String, "unauthorized")
            }
            let wrong = try await client.execute(uri: "/api/models", method: .get, headers: [.authorization: "Bearer nope-nope"])
            XCTAssertEqual(wrong.status, .unauthorized)
            let right = try await client.execute(uri: "/api/models", method: .get, headers: [.authorization: "Bearer \(token)"])
            XCTAssertEqual(right.status, .ok)
            let post = try await client.post("/api/upscale", form: [("model", nil, ServeFixtures.text("morph-sr-x4")), ("image", "a.png", image)])
            XCTAssertEqual(post.status, .unauthorized)
            let badQuery = try await client.execute(uri: "/?token=guess", method: .get)
            XCTAssertEqual(badQuery.status, .unauthorized)
            let login = try await client.execute(uri: "/runs?token=\(token)", method: .get)
            XCTAssertEqual(login.status, .seeOther)
            XCTAssertEqual(login.headers[.location], "/runs")
            let cookie = login.headers[.setCookie] ?? ""
            XCTAssertTrue(cookie.hasPrefix("morph_token=\(token);") && cookie.contains("SameSite=Strict"), cookie)
            let page = try await client.execute(uri: "/runs", method: .get, headers: [.cookie: "morph_token=\(token)"])
            XCTAssertEqual(page.status, .ok)
            let apiByCookie = try await client.execute(uri: "/api/runs", method: .get, headers: [.cookie: "morph_token=\(token)"])
            XCTAssertEqual(apiByCookie.status, .ok)
            let postByCookie = try await client.post("/api/upscale", form: [("model", nil, ServeFixtures.text("morph-sr-x4")),
                                                                         ("image", "a.png", image)], headers: [.cookie: "morph_token=\(token)"])
            XCTAssertEqual(postByCookie.status, .unauthorized, "a POST needs the Authorization header, not just the cookie")
            let assets = try await client.execute(uri: "/assets/common.js", method: .get)
            XCTAssertEqual(assets.status, .ok, "assets hold no data and are served to anyone")
        }
    }

    func testWithoutATokenOnlyLocalHostNamesAreAnswered() async throws {
        try await sandbox.withClient(sandbox.configuration()) { client in
            for host in ["localhost:8080", "127.0.0.1:9", "[::1]:8080"] {
                let ok = try await client.execute(uri: "/api/models", method: .get, headers: [HTTPField.Name("Host")!: host])
                XCTAssertEqual(ok.status, .ok, host)
            }
            let rebound = try await client.execute(uri: "/api/models", method: .get, headers: [HTTPField.Name("Host")!: "attacker.example:8080"])
            XCTAssertEqual(rebound.status, .forbidden)
        }
    }

    func testModelNamesCannotLeaveTheModelsFolder() async throws {
        let secret = sandbox.outside.appendingPathComponent("secret.safetensors")
        try FileManager.default.copyItem(at: ServeSandbox.builtins.appendingPathComponent("morph-inpaint.safetensors"), to: secret)
        try FileManager.default.createSymbolicLink(at: sandbox.models.appendingPathComponent("link.safetensors"), withDestinationURL: secret)
        try FileManager.default.createSymbolicLink(at: sandbox.models.appendingPathComponent("dir"), withDestinationURL: sandbox.outside)
        let image = try ServeFixtures.png(width: 16, height: 16)
        let mask = try ServeFixtures.mask(width: 16, height: 16, hole: (4, 4, 4, 4))
        try await sandbox.withClient(sandbox.configuration()) { client in
            let names = ["../outside/secret.safetensors", secret.path, "link.safetensors", "dir/secret.safetensors",
                         "./link.safetensors", "a/../../outside/secret.safetensors", "models/../../outside/secret.safetensors"]
            for name in names {
                let response = try await client.post("/api/inpaint", form: [("model", nil, ServeFixtures.text(name)),
                                                                           ("image", "a.png", image), ("mask", "m.png", mask)])
                XCTAssertTrue([400, 404].contains(Int(response.status.code)), "\(name): \(response.status)")
                XCTAssertFalse(String(buffer: response.body).contains(self.sandbox.outside.path), "no server path is echoed")
            }
            let models = try await client.execute(uri: "/api/models", method: .get).json["models"] as? [[String: Any]] ?? []
            XCTAssertFalse(models.contains { ($0["name"] as? String ?? "").contains("secret") || ($0["name"] as? String) == "link.safetensors" })
        }
    }

    func testRunNamesAndSampleNamesCannotLeaveTheRunsFolder() async throws {
        let outsideRun = sandbox.outside.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: outsideRun.appendingPathComponent("samples"), withIntermediateDirectories: true)
        try Data("iteration,epoch,loss,lr,seconds\n1,1,0.5,0.001,0.1\n".utf8).write(to: outsideRun.appendingPathComponent("log.csv"))
        try Data("secret".utf8).write(to: sandbox.outside.appendingPathComponent("secret.png"))
        try FileManager.default.createSymbolicLink(at: sandbox.runs.appendingPathComponent("escape"), withDestinationURL: outsideRun)
        let inside = sandbox.runs.appendingPathComponent("real/samples")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        try Data("iteration,epoch,loss,lr,seconds\n1,1,0.5,0.001,0.1\n".utf8)
            .write(to: sandbox.runs.appendingPathComponent("real/log.csv"))
        try FileManager.default.createSymbolicLink(at: inside.appendingPathComponent("leak.png"),
                                                   withDestinationURL: sandbox.outside.appendingPathComponent("secret.png"))
        try await sandbox.withClient(sandbox.configuration()) { client in
            let runs = try await client.execute(uri: "/api/runs", method: .get).json["runs"] as? [[String: Any]] ?? []
            XCTAssertEqual(runs.map { $0["name"] as? String }, ["real"], "the symlinked run is not listed")
            for uri in ["/api/runs/escape/log", "/api/runs/../log", "/api/runs/%2e%2e/log", "/api/runs/real/samples/leak.png",
                        "/api/runs/real/samples/..%2f..%2flog.csv", "/api/runs/real/samples/%2e%2e", "/api/runs/escape/events?until=0"] {
                let response = try await client.execute(uri: uri, method: .get)
                XCTAssertTrue([400, 404].contains(Int(response.status.code)), "\(uri): \(response.status)")
                XCTAssertFalse(String(buffer: response.body).contains("secret"), uri)
            }
            let log = try await client.execute(uri: "/api/runs/real/log", method: .get)
            XCTAssertEqual(log.status, .ok)
        }
    }

    func testUploadAndPixelLimitsGive413() async throws {
        let big = try ServeFixtures.png(width: 300, height: 200)
        try await sandbox.withClient(sandbox.configuration(maxUploadBytes: 4096)) { client in
            let response = try await client.post("/api/upscale", form: [("model", nil, ServeFixtures.text("morph-sr-x4")), ("image", "a.png", big)])
            XCTAssertEqual(response.status, .contentTooLarge)
            XCTAssertEqual(response.json["error"] as? String, "too_large")
        }
        try await sandbox.withClient(sandbox.configuration(maxPixels: 10_000)) { client in
            let response = try await client.post("/api/upscale", form: [("model", nil, ServeFixtures.text("morph-sr-x4")), ("image", "a.png", big)])
            XCTAssertEqual(response.status, .contentTooLarge)
            XCTAssertTrue((response.json["detail"] as? String ?? "").contains("300×200 = 60000 pixels"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.temporary.path), [])
    }
}
