/// A lexical token of the expression language.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case leftParen, rightParen, leftBracket, rightBracket, comma, dot
        case bang, bangEqual, equalEqual, greater, greaterEqual, less, lessEqual, and, or
        case star, number, string, identifier, `true`, `false`, null, eof
    }

    let kind: Kind
    let lexeme: String
    /// 0-based offset of the first character in the expression.
    let offset: Int
    var numberValue: Double = 0
    var stringValue: String = ""

    /// How the token is named in an error message.
    var display: String {
        switch kind {
        case .eof: "EOF"
        case .string: stringValue
        default: lexeme
        }
    }
}
