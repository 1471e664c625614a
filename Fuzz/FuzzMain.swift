import Foundation

/// The libFuzzer entry points of `morph-fuzz`: one binary holds every harness, and the environment
/// variable `MORPH_FUZZ_TARGET` picks one (`pickle`, `pth-zip`, `pth-legacy`, `safetensors`, `recipe`,
/// `arch`). Each harness feeds the input to one loader and ignores its errors: a thrown error is the
/// right answer to a hostile file; a crash, a sanitizer report, a timeout or running out of memory is a finding.
enum FuzzTarget: String, CaseIterable {
    case pickle, pthZip = "pth-zip", pthLegacy = "pth-legacy", safetensors, recipe, arch

    /// The harness chosen by `MORPH_FUZZ_TARGET`, read once.
    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["MORPH_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("morph-fuzz: set MORPH_FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        return target
    }()

    func run(_ data: Data) {
        switch self {
        case .pickle: CheckpointHarnesses.pickle(data)
        case .pthZip: CheckpointHarnesses.pthZip(data)
        case .pthLegacy: CheckpointHarnesses.pthLegacy(data)
        case .safetensors: CheckpointHarnesses.safetensors(data)
        case .recipe: RecipeHarness.recipe(data)
        case .arch: CheckpointHarnesses.architecture(data)
        }
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = FuzzTarget.current
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.current.run(Data(bytes: bytes, count: size))
    return 0
}
