import Foundation

/// A `::name key=value,…::message` line a step printed.
public struct WorkflowCommand: Sendable, Equatable {
    /// The command name (`add-mask`, `error`, `group`, …).
    public let name: String
    /// Properties, unescaped.
    public let properties: [String: String]
    /// The message, unescaped.
    public let message: String

    /// Parses a line; nil when it is not a command. Escapes: `%25`, `%0D`, `%0A` in the
    /// message, and also `%3A`, `%2C` in property values, as GitHub's runner reads them.
    public static func parse(_ line: String) -> WorkflowCommand? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("::") else { return nil }
        let body = trimmed.dropFirst(2)
        guard let end = body.range(of: "::") else { return nil }
        let header = body[..<end.lowerBound]
        let message = String(body[end.upperBound...])
        let name: Substring
        var properties: [String: String] = [:]
        if let space = header.firstIndex(of: " ") {
            name = header[..<space]
            for pair in header[header.index(after: space)...].split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, !kv[0].isEmpty else { continue }
                properties[String(kv[0])] = unescapeProperty(String(kv[1]))
            }
        } else {
            name = header
        }
        guard !name.isEmpty else { return nil }
        return WorkflowCommand(name: String(name), properties: properties, message: unescapeData(message))
    }

    static func unescapeData(_ s: String) -> String {
        guard s.contains("%") else { return s }
        return s.replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%25", with: "%")
    }

    static func unescapeProperty(_ s: String) -> String {
        guard s.contains("%") else { return s }
        return s.replacing("%0D", with: "\r").replacing("%0A", with: "\n")
            .replacing("%3A", with: ":").replacing("%2C", with: ",").replacing("%25", with: "%")
    }
}

/// An annotation raised by `::error`, `::warning` or `::notice`.
public struct Annotation: Sendable, Equatable {
    public enum Level: String, Sendable { case error, warning, notice }
    public let level: Level
    public let message: String
    public let title: String?
    public let file: String?
    public let line: Int?
    public let column: Int?
    public let job: String
    public let step: String

    /// `file:line:col: ` prefix when the annotation names a place.
    public var locationPrefix: String {
        guard let file else { return "" }
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        return s + ": "
    }
}
