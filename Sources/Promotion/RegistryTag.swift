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

    /// Parses a tag name; nil for tags that are not registry tags. Works on the bytes: the
    /// registry parses every tag of the repository.
    public init?(parsing tag: String) {
        var text = tag
        guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> RegistryTag? {
        let hash = UInt8(ascii: "#"), at = UInt8(ascii: "@"), bang = UInt8(ascii: "!")
        guard let split = b.firstIndex(where: { $0 == hash || $0 == at }), split > 0 else { return nil }
        guard isValidFullName(UnsafeBufferPointer(rebasing: b[0..<split]), separator: UInt8(ascii: "=")) else { return nil }
        var end = b.count
        var counter: Int?
        // A counter is a '#' and digits after the first part of the body.
        if let last = b[(split + 1)...].lastIndex(of: hash) {
            guard last + 1 < b.count, b[(last + 1)...].allSatisfy({ $0 >= 48 && $0 <= 57 }), b.count - last - 1 <= 18 else { return nil }
            counter = b[(last + 1)...].reduce(0) { $0 * 10 + Int($1 - 48) }
            end = last
        }
        let model = decode(String(decoding: UnsafeBufferPointer(rebasing: b[0..<split]), as: UTF8.self))
        let bodyStart = split + 1
        let action: Action
        if b[split] == hash {
            let cancel = end > bodyStart && b[end - 1] == bang
            let stageEnd = cancel ? end - 1 : end
            let stage = UnsafeBufferPointer(rebasing: b[bodyStart..<stageEnd])
            guard isValidName(stage) else { return nil }
            let name = String(decoding: stage, as: UTF8.self)
            action = cancel ? .unassign(stage: name) : .assign(stage: name)
        } else {
            let rest = String(decoding: UnsafeBufferPointer(rebasing: b[bodyStart..<end]), as: UTF8.self)
            if rest == "deprecated" {
                action = .deprecate
            } else if rest == "created" {
                action = .create
            } else {
                let cancel = rest.utf8.last == bang
                guard let version = SemanticVersion(cancel ? rest.dropLast() : Substring(rest)) else { return nil }
                action = cancel ? .deregister(version) : .register(version)
            }
        }
        return RegistryTag(model: model, action: action, counter: counter)
    }

    /// Counters are 1 to 18 digits (what parses back into an `Int` without overflow):
    /// every counter mlgate writes is below this.
    public static let maxCounter = 1_000_000_000_000_000_000

    /// A counter's text (`"42"`) as a number, by the same rule as in tag names: 1 to 18
    /// digits. nil for anything else.
    public static func counter(_ text: some StringProtocol) -> Int? {
        let digits = text.utf8
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    // MARK: Names

    /// `dir:name` → `dir=name`.
    public static func encode(_ model: String) -> String { model.replacingOccurrences(of: ":", with: "=") }
    /// `dir=name` → `dir:name`.
    public static func decode(_ encoded: some StringProtocol) -> String {
        encoded.utf8.contains(UInt8(ascii: "=")) ? String(encoded).replacingOccurrences(of: "=", with: ":") : String(encoded)
    }

    /// GTO's `name`: letters, digits, `-`, `_`, `/`, starting and ending with a letter or digit.
    public static func isValidName(_ name: some StringProtocol) -> Bool {
        var text = String(name)
        return text.withUTF8 { isValidName($0) }
    }

    /// GTO's full name: an optional `dir:` (letters, digits, `-_./`) before a name.
    public static func isValidModelName(_ model: some StringProtocol) -> Bool {
        var text = String(model)
        return text.withUTF8 { isValidFullName($0, separator: UInt8(ascii: ":")) }
    }

    private static func isValidName(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = b.first, let last = b.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return b.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "/") }
    }

    private static func isValidFullName(_ b: UnsafeBufferPointer<UInt8>, separator: UInt8) -> Bool {
        guard let split = b.firstIndex(of: separator) else { return isValidName(b) }
        let folder = UnsafeBufferPointer(rebasing: b[0..<split]), name = UnsafeBufferPointer(rebasing: b[(split + 1)...])
        guard !folder.isEmpty, !name.contains(separator) else { return false }
        return folder.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") }
            && isValidName(name)
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }
}

import Foundation
