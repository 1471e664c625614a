import Foundation
import Hummingbird
import HummingbirdTesting
import MorphServe
import XCTest

/// Pages, assets, the model list and the image endpoints, through the router.
final class ServeAPITests: XCTestCase {
    var sandbox: ServeSandbox!

    override func setUpWithError() throws { sandbox = try ServeSandbox() }
    override func tearDown() { sandbox.remove() }

    func testPagesAndAssetsAreServedFromTheBinary() async throws {
        try await sandbox.withClient(sandbox.configuration()) { client in
            for (path, script) in [("/", "inpaint.js"), ("/batch", "batch.js"), ("/runs", "runs.js")] {
                let page = try await client.execute(uri: path, method: .get)
                XCTAssertEqual(page.status, .ok, path)
                XCTAssertEqual(page.headers[.contentType], "text/html; charset=utf-8")
                XCTAssertTrue(String(buffer: page.body).contains("/assets/\(script)"), path)
            }
            let css = try await client.execute(uri: "/assets/style.css", method: .get)
            XCTAssertEqual(css.headers[.contentType], "text/css; charset=utf-8")
            XCTAssertTrue(String(buffer: css.body).contains(".stage"))
            let missing = try await client.execute(uri: "/assets/nothing.js", method: .get)
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertEqual(missing.json["error"] as? String, "not_found")
            let noRoute = try await client.execute(uri: "/api/nothing", method: .get)
            XCTAssertEqual(noRoute.status, .notFound)
            XCTAssertNotNil(noRoute.json["detail"] as? String)
        }
    }

    func testModelsListsInstalledBuiltinsWithTheirKinds() async throws {
        try await sandbox.withClient(sandbox.configuration()) { client in
            let response = try await client.execute(uri: "/api/models", method: .get)
            XCTAssertEqual(response.status, .ok)
            let models = response.json["models"] as? [[String: Any]] ?? []
            let kinds = Dictionary(uniqueKeysWithValues: models.map { ($0["name"] as? String ?? "", $0["kind"] as? String ?? "") })
            XCTAssertEqual(kinds["morph-inpaint"], "inpaint")
            XCTAssertEqual(kinds["morph-sr-x4"], "upscale")
            XCTAssertEqual(kinds["morph-light2dark"], "translate")
            XCTAssertEqual(models.first { $0["name"] as? String == "morph-sr-x4" }?["scale"] as? Int, 4)
        }
    }

    func testACheckpointUnderModelsIsListedByItsRelativePathAndKind() async throws {
        let folder = sandbox.models.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ServeSandbox.builtins.appendingPathComponent("morph-sr-x4.safetensors"),
                                         to: folder.appendingPathComponent("sr.safetensors"))
        try Data("not a checkpoint".utf8).write(to: sandbox.models.appendingPathComponent("broken.pth"))
        try await sandbox.withClient(sandbox.configuration()) { client in
            let models = try await client.execute(uri: "/api/models", method: .get).json["models"] as? [[String: Any]] ?? []
            let mine = models.first { $0["name"] as? String == "mine/sr.safetensors" }
            XCTAssertEqual(mine?["kind"] as? String, "upscale")
            XCTAssertEqual(mine?["source"] as? String, "folder")
            XCTAssertNil(models.first { $0["name"] as? String == "broken.pth" }, "an unloadable checkpoint is not offered")
            let image = try ServeFixtures.png(width: 8, height: 8)
            let broken = try await client.post("/api/upscale", form: [("model", nil, ServeFixtures.text("broken.pth")),
                                                                     ("image", "a.png", image)])
            XCTAssertEqual(broken.status, .unprocessableContent)
        }
    }

    func testInpaintChangesTheHoleAndKeepsEveryOtherPixel() async throws {
        let (w, h) = (64, 48)
        let image = try ServeFixtures.png(width: w, height: h)
        let hole = (20, 14, 16, 12)
        let mask = try ServeFixtures.mask(width: w, height: h, hole: hole)
        try await sandbox.withClient(sandbox.configuration()) { client in
            let response = try await client.post("/api/inpaint", form: [
                ("model", nil, ServeFixtures.text("morph-inpaint")), ("strategy", nil, ServeFixtures.text("crop")),
                ("image", "photo.png", image), ("mask", "mask.png", mask),
            ])
            XCTAssertEqual(response.status, .ok, String(buffer: response.body))
            XCTAssertEqual(response.headers[.contentType], "image/png")
            let before = try ServeFixtures.decode(image), after = try ServeFixtures.decode(response.data)
            XCTAssertEqual(after.width, w)
            XCTAssertEqual(after.height, h)
            var changedInside = 0
            for y in 0..<h {
                for x in 0..<w {
                    let inside = x >= hole.0 && x < hole.0 + hole.2 && y >= hole.1 && y < hole.1 + hole.3
                    let i = (y * w + x) * 3
                    let same = before.samples[i..<(i + 3)] == after.samples[i..<(i + 3)]
                    if inside { changedInside += same ? 0 : 1 } else { XCTAssertTrue(same, "pixel \(x),\(y) outside the hole changed") }
                }
            }
            XCTAssertGreaterThan(changedInside, hole.2 * hole.3 * 9 / 10)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.temporary.path)
        XCTAssertEqual(leftovers, [], "job folders are removed")
    }

    func testUpscaleReturnsTheModelScaleOrTheAskedOutscale() async throws {
        let image = try ServeFixtures.png(width: 12, height: 10)
        try await sandbox.withClient(sandbox.configuration()) { client in
            let x4 = try await client.post("/api/upscale", form: [("model", nil, ServeFixtures.text("morph-sr-x4")), ("image", "a.png", image)])
            XCTAssertEqual(x4.status, .ok, String(buffer: x4.body))
            let big = try ServeFixtures.decode(x4.data)
            XCTAssertEqual([big.width, big.height], [48, 40])
            let x2 = try await client.post("/api/upscale", form: [("model", nil, ServeFixtures.text("morph-sr-x4")),
                                                                ("outscale", nil, ServeFixtures.text("2")), ("image", "a.png", image)])
            let half = try ServeFixtures.decode(x2.data)
            XCTAssertEqual([half.width, half.height], [24, 20])
        }
    }

    func testTranslateKeepsTheSize() async throws {
        let image = try ServeFixtures.png(width: 32, height: 24)
        try await sandbox.withClient(sandbox.configuration()) { client in
            let response = try await client.post("/api/translate", form: [
                ("model", nil, ServeFixtures.text("morph-light2dark")), ("eval", nil, ServeFixtures.text("true")),
                ("tile", nil, ServeFixtures.text("0")), ("image", "a.png", image),
            ])
            XCTAssertEqual(response.status, .ok, String(buffer: response.body))
            let out = try ServeFixtures.decode(response.data)
            XCTAssertEqual([out.width, out.height], [32, 24])
            XCTAssertNotEqual(out.samples, try ServeFixtures.decode(image).samples)
        }
    }

    func testBadRequestsGetJSONErrorsWithTheRightStatus() async throws {
        let image = try ServeFixtures.png(width: 16, height: 16)
        let model = ("model", String?.none, ServeFixtures.text("morph-inpaint"))
        try await sandbox.withClient(sandbox.configuration()) { client in
            func check(_ uri: String, _ parts: [(String, String?, Data)], _ status: Int, _ detail: String,
                       file: StaticString = #filePath, line: UInt = #line) async throws {
                let response = try await client.post(uri, form: parts)
                XCTAssertEqual(Int(response.status.code), status, String(buffer: response.body), file: file, line: line)
                XCTAssertTrue((response.json["detail"] as? String ?? "").contains(detail),
                              "\(response.json) lacks '\(detail)'", file: file, line: line)
                XCTAssertNotNil(response.json["error"] as? String, file: file, line: line)
            }
            try await check("/api/inpaint", [("image", "a.png", image)], 400, "'model' field is missing")
            try await check("/api/inpaint", [model, ("mask", "m.png", image)], 400, "'image' file is missing")
            try await check("/api/inpaint", [model, ("image", "a.png", image)], 400, "'mask' file is missing")
            try await check("/api/inpaint", [model, ("image", "a.txt", Data("hello".utf8)), ("mask", "m.png", image)], 400,
                            "not a PNG, JPEG, WebP or TIFF")
            let truncated = image.prefix(40)
            try await check("/api/inpaint", [model, ("image", "a.png", truncated), ("mask", "m.png", image)], 400, "cannot be decoded")
            let otherSize = try ServeFixtures.mask(width: 8, height: 16, hole: (0, 0, 4, 4))
            try await check("/api/inpaint", [model, ("image", "a.png", image), ("mask", "m.png", otherSize)], 400, "the mask is 8×16")
            let empty = try ServeFixtures.mask(width: 16, height: 16, hole: (0, 0, 0, 0))
            try await check("/api/inpaint", [model, ("image", "a.png", image), ("mask", "m.png", empty)], 400, "no hole")
            try await check("/api/upscale", [model, ("image", "a.png", image)], 422, "does inpaint, not upscale")
            try await check("/api/inpaint", [("model", nil, ServeFixtures.text("no-such-model")), ("image", "a.png", image)], 404,
                            "no model 'no-such-model'")
            try await check("/api/upscale", [("model", nil, ServeFixtures.text("morph-sr-x4")), ("tile", nil, ServeFixtures.text("7")),
                                             ("image", "a.png", image)], 400, "tile must be")
            try await check("/api/upscale", [("model", nil, ServeFixtures.text("morph-sr-x4")), ("outscale", nil, ServeFixtures.text("99")),
                                             ("image", "a.png", image)], 400, "outscale must be")
            try await check("/api/translate", [("model", nil, ServeFixtures.text("morph-light2dark")),
                                               ("direction", nil, ServeFixtures.text("sideways")), ("image", "a.png", image)], 400, "direction must be")
            try await check("/api/inpaint", [model, ("job", nil, ServeFixtures.text("../x")), ("image", "a.png", image)], 400, "job id")
            try await check("/api/inpaint", [model, ("strategy", nil, ServeFixtures.text("magic")), ("image", "a.png", image)], 400,
                            "strategy must be one of crop")
            let plain = try await client.execute(uri: "/api/inpaint", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: "{}"))
            XCTAssertEqual(plain.status, .badRequest)
            XCTAssertTrue((plain.json["detail"] as? String ?? "").contains("multipart/form-data"))
            let torn = try await client.execute(uri: "/api/inpaint", method: .post,
                                                headers: [.contentType: "multipart/form-data; boundary=xyz"],
                                                body: ByteBuffer(string: "--xyz\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nabc"))
            XCTAssertEqual(torn.status, .badRequest)
            let get = try await client.execute(uri: "/api/inpaint", method: .get)
            XCTAssertEqual(Int(get.status.code), 405)
        }
    }

    func testJobStandingOfAnUnknownJob() async throws {
        try await sandbox.withClient(sandbox.configuration()) { client in
            let response = try await client.execute(uri: "/api/jobs/job-1", method: .get)
            XCTAssertEqual(response.json["state"] as? String, "unknown")
        }
    }
}
