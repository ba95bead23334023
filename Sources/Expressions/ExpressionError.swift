/// An error in an expression, in the phase GitHub reports it: lexing, parsing or evaluation.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The phase that failed.
    public enum Phase: String, Sendable { case lexing, parsing, evaluation }

    /// The phase that failed.
    public let phase: Phase
    /// What went wrong, in GitHub's wording where it has one.
    public let message: String
    /// 1-based offset in the expression, in UTF-16 units as GitHub counts them, when known.
    public let position: Int?
    /// 0-based character offset of the failing `${{` in the template that held the
    /// expression, when it came from one.
    public var templateOffset: Int?

    /// Creates an expression error.
    public init(_ phase: Phase, _ message: String, position: Int? = nil) {
        self.phase = phase
        self.message = message
        self.position = position
    }

    public var description: String { message }
}

/// Limits from GitHub's implementation.
enum ExpressionLimits {
    static let maxDepth = 50
    static let maxLength = 21_000
}
