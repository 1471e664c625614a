import Foundation

/// Reads Package.swift's targets and the `import` lines of their Swift files, and lists every import a target does
/// not declare and every dependency that points up the module ladder.
enum ImportLayering {
    /// The package's modules from the bottom up: a module may depend only on modules before it. C bridges first.
    static let ladder = [
        "CVips", "CVipsShim", "COpenBLAS", "CFFTW",
        "MorphSupport", "MorphTensor", "MorphNN", "MorphCheckpoint", "MorphModels", "MorphImage",
        "MorphTrain", "MorphInference", "MorphOptions", "MorphRecipes", "MorphServe", "MorphBench", "morph",
    ]

    /// Modules that come with the toolchain and need no declaration.
    static let system: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl", "Darwin",
        "XCTest", "Swift", "_Concurrency", "Synchronization", "os",
    ]

    /// One target of the manifest.
    struct Target: Equatable {
        var name: String
        var kind: String
        /// Declared dependencies: target names and product names.
        var dependencies: [String]
        /// The folder holding its sources, relative to the package root.
        var path: String
        var isTest: Bool { kind == "testTarget" || path.hasPrefix("Tests/") }
    }

    /// The targets declared in a Package.swift text (`.target`, `.executableTarget`, `.testTarget`, `.systemLibrary`).
    static func targets(inManifest text: String) -> [Target] {
        let scalars = Array(text)
        var result: [Target] = []
        let pattern = try! NSRegularExpression(pattern: #"\.(target|executableTarget|testTarget|systemLibrary)\(\s*name:\s*"([^"]+)""#)
        let ns = text as NSString
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let kind = ns.substring(with: match.range(at: 1)), name = ns.substring(with: match.range(at: 2))
            // The call's text: from its "(" to the matching ")".
            let open = text.distance(from: text.startIndex, to: Range(match.range, in: text)!.lowerBound) + kind.count + 1
            var depth = 0, end = open
            for i in open..<scalars.count {
                if scalars[i] == "(" { depth += 1 } else if scalars[i] == ")" { depth -= 1; if depth == 0 { end = i; break } }
            }
            let call = String(scalars[open...end])
            var dependencies: [String] = []
            if let range = call.range(of: "dependencies:") {
                var depthSquare = 0
                var list = ""
                for c in call[range.upperBound...] {
                    if c == "[" { depthSquare += 1 }
                    if depthSquare > 0 { list.append(c) }
                    if c == "]" { depthSquare -= 1; if depthSquare == 0 { break } }
                }
                let withoutPackages = list.replacingOccurrences(of: #"package:\s*"[^"]*""#, with: "", options: .regularExpression)
                dependencies = literals(in: withoutPackages)
            }
            let path = call.range(of: #"path:\s*"[^"]*""#, options: .regularExpression)
                .flatMap { literals(in: String(call[$0])).first }
                ?? (kind == "testTarget" ? "Tests/\(name)" : "Sources/\(name)")
            result.append(Target(name: name, kind: kind, dependencies: dependencies, path: path))
        }
        return result
    }

    /// The string literals of a piece of Swift.
    static func literals(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #""([^"]*)""#)
        let ns = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    /// The modules a Swift file imports (`import X`, `@testable import X`, `import struct X.Y`).
    static func imports(inSource text: String) -> [String] {
        let pattern = try! NSRegularExpression(
            pattern: #"^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|typealias|func|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)"#,
            options: .anchorsMatchLines)
        let ns = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    /// Every problem: an undeclared import (`file: imports X, which TARGET does not declare`), a dependency on a module
    /// at or above the target's own rung, and a package module missing from the ladder.
    /// `sources(target)` gives each Swift file of a target as (path, text).
    static func problems(targets: [Target], sources: (Target) -> [(path: String, text: String)]) -> [String] {
        var problems: [String] = []
        let names = Set(targets.map(\.name))
        for target in targets where target.kind != "systemLibrary" {
            let declared = Set(target.dependencies)
            for file in sources(target) {
                for module in imports(inSource: file.text) where !system.contains(module) && !declared.contains(module) {
                    problems.append("\(file.path): imports \(module), which \(target.name) does not declare in Package.swift")
                }
            }
            guard !target.isTest else { continue }
            guard let rung = ladder.firstIndex(of: target.name) else {
                problems.append("\(target.name): not on the module ladder in ImportLayering.ladder; add it at its layer")
                continue
            }
            for dependency in target.dependencies where names.contains(dependency) {
                if let other = ladder.firstIndex(of: dependency), other >= rung {
                    problems.append("\(target.name): depends on \(dependency), which is not below it")
                }
            }
        }
        return problems
    }
}
