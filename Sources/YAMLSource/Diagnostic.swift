/// A position in a source file (1-based line and column).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as given by the user.
    public let file: String
    /// 1-based line.
    public let line: Int
    /// 1-based column.
    public let column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// One problem found in a workflow, reported as `file:line:col: message`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public let location: SourceLocation
    /// What is wrong and, where useful, what to do.
    public let message: String
    /// The rule that found it (actionlint's names where they match: `syntax-check`,
    /// `expression`, `job-needs`, `id`, `shell-name`, `glob`, `events`, …).
    public let rule: String
    /// How sure it is: an error is wrong whatever the run; a warning may be intended (a
    /// file a step creates before it is used).
    public let severity: Severity

    /// How sure a diagnostic is.
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// Creates a diagnostic.
    public init(_ location: SourceLocation, _ message: String, rule: String = "syntax-check", severity: Severity = .error) {
        self.location = location
        self.message = message
        self.rule = rule
        self.severity = severity
    }

    public var description: String { "\(location): \(message)" }
}

/// A file that cannot be used (a workflow, an action, a policy), with every problem found
/// in it.
public struct SourceError: Error, Sendable, CustomStringConvertible {
    /// The problems, sorted by position.
    public let diagnostics: [Diagnostic]

    /// Creates an error from diagnostics, sorted by position. A problem found again at the
    /// same place (inside a YAML anchor that several aliases repeat) is listed once.
    public init(_ diagnostics: [Diagnostic]) {
        var seen = Set<String>()
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }.filter {
            seen.insert("\($0.location):\($0.rule):\($0.message)").inserted
        }
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
