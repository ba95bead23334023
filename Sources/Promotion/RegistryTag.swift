/// A registry tag in GTO's grammar (PyPI `gto`, `gto/constants.py`), so that GTO reads
/// mlgate's registry and mlgate reads GTO's:
///
/// - `NAME@vX.Y.Z` registers a version; `NAME@vX.Y.Z!` deregisters it;
/// - `NAME#STAGE#N` assigns the version on the tag's commit to a stage; `NAME#STAGE!#N`
///   unassigns it; N is a counter per model across all its tags;
/// - `NAME@deprecated` deprecates the model (`NAME@created` is read and ignored).
///
/// A model name is `[dir:]name`; in a tag the `:` is written `=`.
public struct RegistryTag: Sendable, Hashable, CustomStringConvertible {
    public enum Action: Sendable, Hashable {
        case register(SemanticVersion)
        case deregister(SemanticVersion)
        case assign(stage: String)
        case unassign(stage: String)
        case deprecate
        case create
    }

    /// The model's name, with `:` between folder and name.
    public let model: String
    public let action: Action
    /// The counter after the last `#`, when there is one.
    public let counter: Int?

    public init(model: String, action: Action, counter: Int? = nil) {
        (self.model, self.action, self.counter) = (model, action, counter)
    }

    /// The tag's name.
    public var description: String {
        let base = Self.encode(model)
        let body: String
        switch action {
        case .register(let v): body = "@\(v)"
        case .deregister(let v): body = "@\(v)!"
        case .assign(let stage): body = "#\(stage)"
        case .unassign(let stage): body = "#\(stage)!"
        case .deprecate: body = "@deprecated"
        case .create: body = "@created"
        }
        return base + body + (counter.map { "#\($0)" } ?? "")
    }

    /// Parses a tag name; nil for tags that are not registry tags.
    public init?(parsing tag: String) {
        guard let split = tag.firstIndex(where: { $0 == "#" || $0 == "@" }) else { return nil }
        let encoded = tag[..<split]
        guard Self.isValidEncodedModel(encoded) else { return nil }
        var body = tag[split...]
        var counter: Int?
        // A counter is a '#' and digits after the first part of the body.
        if let hash = body.dropFirst().lastIndex(of: "#") {
            let digits = body[body.index(after: hash)...]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else { return nil }
            counter = value
            body = body[..<hash]
        }
        let action: Action
        if body.first == "#" {
            var stage = body.dropFirst()
            let cancel = stage.last == "!"
            if cancel { stage = stage.dropLast() }
            guard Self.isValidName(stage) else { return nil }
            action = cancel ? .unassign(stage: String(stage)) : .assign(stage: String(stage))
        } else {
            var rest = body.dropFirst()
            if rest == "deprecated" {
                action = .deprecate
            } else if rest == "created" {
                action = .create
            } else {
                let cancel = rest.last == "!"
                if cancel { rest = rest.dropLast() }
                guard let version = SemanticVersion(rest) else { return nil }
                action = cancel ? .deregister(version) : .register(version)
            }
        }
        self.init(model: Self.decode(encoded), action: action, counter: counter)
    }

    // MARK: Names

    /// `dir:name` → `dir=name`.
    public static func encode(_ model: String) -> String { model.replacingOccurrences(of: ":", with: "=") }
    /// `dir=name` → `dir:name`.
    public static func decode(_ encoded: some StringProtocol) -> String { String(encoded).replacingOccurrences(of: "=", with: ":") }

    /// GTO's `name`: letters, digits, `-`, `_`, `/`, starting and ending with a letter or digit.
    public static func isValidName(_ name: some StringProtocol) -> Bool {
        guard let first = name.first, let last = name.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return name.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "/" }
    }

    /// GTO's full name: an optional `dir:` (letters, digits, `-_./`) before a name.
    public static func isValidModelName(_ model: some StringProtocol) -> Bool {
        isValidFullName(model, separator: ":")
    }

    static func isValidEncodedModel(_ encoded: some StringProtocol) -> Bool {
        isValidFullName(encoded, separator: "=")
    }

    private static func isValidFullName(_ text: some StringProtocol, separator: Character) -> Bool {
        let parts = text.split(separator: separator, omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isValidName(parts[0])
        case 2:
            return !parts[0].isEmpty && parts[0].allSatisfy { isAlphanumeric($0) || "-_./".contains($0) } && isValidName(parts[1])
        default: return false
        }
    }

    private static func isAlphanumeric(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
}

import Foundation
