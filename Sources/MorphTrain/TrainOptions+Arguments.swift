import Foundation

extension TrainOptions {
    /// The options a recipe's train step (or any `name: value` list) may set, by their command-line names
    /// (`net-g`, `crop-size`, `n-epochs`, …, as `morph train` spells them). `data` and `out` are not among
    /// them: a recipe step gives those as `input` and `output`.
    public static var argumentNames: [String] {
        let hidden: Set<String> = ["model", "dataroot", "input_nc", "output_nc", "no_dropout", "sr", "inpaint"]
        let names = CodingKeys.allCases.map(\.rawValue).filter { !hidden.contains($0) }.map(argumentName)
        let nested = Nested.all.flatMap { $0.keys.map(argumentName) }
        return Array(Set(names + nested + ["dropout"])).sorted()
    }

    /// The option groups only some kinds have: `sr` (`gt-size`, `num-feat`, …) and `inpaint` (`cnum`, `mask-kind`, …),
    /// under their JSON key, with the keys whose values are flags or always text.
    struct Nested {
        let group: String, keys: [String], flags: Set<String>, strings: Set<String>
        static let all = [
            Nested(group: CodingKeys.sr.rawValue, keys: SRTrainOptions.CodingKeys.allCases.map(\.rawValue),
                   flags: ["gan"], strings: ["vgg", "discriminator"]),
            Nested(group: CodingKeys.inpaint.rawValue, keys: InpaintTrainOptions.CodingKeys.allCases.map(\.rawValue),
                   flags: [], strings: []),
        ]
    }

    /// Returns these options with `arguments` applied: keys are command-line names (`crop-size`, `lambda-l1`,
    /// `dropout`), values their text (`128`, `0.5`, `true`, `unet_128`).
    /// - Throws: `TrainError.badOption` naming an unknown option or a value of the wrong kind, or (when
    ///   `validating`) what `validate()` finds wrong with the result.
    public func applying(_ arguments: [String: String], validating: Bool = true) throws -> TrainOptions {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any] ?? [:]
        let byName = Dictionary(uniqueKeysWithValues: CodingKeys.allCases.map { (Self.argumentName($0.rawValue), $0) })
        for (name, text) in arguments.sorted(by: { $0.key < $1.key }) {
            if name == "dropout" || name == "no-dropout" {
                guard let flag = Bool(text.lowercased()) else {
                    throw TrainError.badOption(option: name, value: text, "must be true or false")
                }
                object[CodingKeys.noDropout.rawValue] = name == "dropout" ? !flag : flag
                continue
            }
            if let nested = Nested.all.first(where: { object[$0.group] is [String: Any] }),
               let key = nested.keys.first(where: { Self.argumentName($0) == name }) {
                var group = object[nested.group] as? [String: Any] ?? [:]
                group[key] = nested.strings.contains(key) ? text
                    : try Self.typedValue(text, flag: nested.flags.contains(key), like: group[key], option: name)
                object[nested.group] = group
                continue
            }
            guard let key = byName[name], ![.model, .dataRoot, .sr, .inpaint].contains(key) else {
                let kind = model.rawValue
                throw TrainError.badOption(option: name, value: text, Self.argumentNames.contains(name)
                    ? "is not an option of \(kind) training"
                    : "is not a training option; known: " + Self.argumentNames.joined(separator: ", "))
            }
            object[key.rawValue] = try Self.typedValue(text, flag: [.noFlip, .serialBatches].contains(key),
                                                       like: object[key.rawValue], option: name)
        }
        let decoded: TrainOptions
        do {
            decoded = try JSONDecoder().decode(TrainOptions.self, from: JSONSerialization.data(withJSONObject: object))
        } catch let DecodingError.dataCorrupted(context) {
            let name = context.codingPath.last.map { Self.argumentName($0.stringValue) } ?? "?"
            throw TrainError.badOption(option: name, value: arguments[name] ?? "", "is not a valid value here")
        } catch {
            throw TrainError.badOption(option: "options", value: "", "\(error)")
        }
        if validating { try decoded.validate() }
        return decoded
    }

    /// `n_layers_D` → `n-layers-d`, `netG` → `net-g`: the command-line spelling of a JSON key.
    static func argumentName(_ key: String) -> String {
        var out = ""
        for (i, c) in key.enumerated() {
            if c == "_" { out.append("-"); continue }
            if c.isUppercase, i > 0, !out.hasSuffix("-") { out.append("-") }
            out.append(Character(c.lowercased()))
        }
        return out
    }

    /// `text` as a JSON bool (`flag`), or as the JSON type of `current` (a string, or else a number: absent
    /// optionals are numbers).
    static func typedValue(_ text: String, flag: Bool, like current: Any?, option: String) throws -> Any {
        if flag {
            guard let b = Bool(text.lowercased()) else {
                throw TrainError.badOption(option: option, value: text, "must be true or false")
            }
            return b
        }
        if current is String { return text }
        if let n = Int(text) { return n }
        guard let d = Double(text), d.isFinite else {
            throw TrainError.badOption(option: option, value: text, "must be a number")
        }
        return d
    }
}
