/// The one-line form of an error, as every message of Morph shows it.
public enum ErrorText {
    /// The first line of `text`.
    public static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? text
    }

    /// The first line of an error's description.
    public static func firstLine(of error: Error) -> String { firstLine(String(describing: error)) }
}
