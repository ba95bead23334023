/// Splits an expression into tokens, following actions/languageservices' lexer so that
/// lexing errors happen on the same inputs.
struct Lexer {
    private let input: [UInt16]
    private let text: String
    private var start = 0
    private var offset = 0
    private var tokens: [Token] = []

    init(_ text: String) {
        self.text = text
        // ASCII text (nearly every expression) has the same units in UTF-8 as in UTF-16,
        // and its UTF-8 is read without transcoding.
        var text = text
        let ascii = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? bytes.map(UInt16.init) : nil }
        self.input = ascii ?? Array(text.utf16)
    }

    mutating func tokenize() throws(ExpressionError) -> [Token] {
        if input.count > ExpressionLimits.maxLength {
            throw ExpressionError(.lexing, "Exceeded max expression length \(ExpressionLimits.maxLength)")
        }
        while offset < input.count {
            start = offset
            let c = input[offset]
            offset += 1
            switch c {
            case 0x28: add(.leftParen)
            case 0x29: add(.rightParen)
            case 0x5B: add(.leftBracket)
            case 0x5D: add(.rightBracket)
            case 0x2C: add(.comma)
            case 0x2E:
                switch previousKind {
                case .identifier, .rightBracket, .rightParen, .star: add(.dot)
                default: try consumeNumber()
                }
            case 0x2D, 0x2B: try consumeNumber()
            case 0x21: add(match(0x3D) ? .bangEqual : .bang)
            case 0x3D:
                if match(0x3D) { add(.equalEqual) } else { try consumeIdentifier() }
            case 0x3C: add(match(0x3D) ? .lessEqual : .less)
            case 0x3E: add(match(0x3D) ? .greaterEqual : .greater)
            case 0x26:
                if match(0x26) { add(.and) } else { try consumeIdentifier() }
            case 0x7C:
                if match(0x7C) { add(.or) } else { try consumeIdentifier() }
            case 0x2A: add(.star)
            case 0x20, 0x0D, 0x09, 0x0A: break
            case 0x27: try consumeString()
            case 0x30...0x39: try consumeNumber()
            default: try consumeIdentifier()
            }
        }
        tokens.append(Token(kind: .eof, lexeme: "", offset: input.count))
        return tokens
    }

    private var previousKind: Token.Kind { tokens.last?.kind ?? .eof }

    private mutating func match(_ expected: UInt16) -> Bool {
        guard offset < input.count, input[offset] == expected else { return false }
        offset += 1
        return true
    }

    private func lexeme() -> String {
        Self.text(input[start..<offset])
    }

    /// The text of UTF-16 units; ASCII is copied byte by byte (decoding UTF-16 costs more).
    static func text(_ units: ArraySlice<UInt16>) -> String {
        guard units.allSatisfy({ $0 < 0x80 }) else { return String(decoding: units, as: UTF16.self) }
        return String(unsafeUninitializedCapacity: units.count) { buffer in
            var i = 0
            for unit in units { buffer[i] = UInt8(truncatingIfNeeded: unit); i += 1 }
            return i
        }
    }

    private mutating func add(_ kind: Token.Kind) {
        tokens.append(Token(kind: kind, lexeme: lexeme(), offset: start))
    }

    private func unexpected(_ symbol: String) -> ExpressionError {
        ExpressionError(.lexing, "Unexpected symbol: '\(symbol)'. Located at position \(start + 1) within expression: \(text)",
                        position: start + 1)
    }

    private mutating func consumeNumber() throws(ExpressionError) {
        while offset < input.count, !Lexer.isBoundary(input[offset]) || input[offset] == 0x2E {
            offset += 1
        }
        let text = lexeme()
        let value = JSNumber.parse(text)
        if value.isNaN { throw unexpected(text) }
        var token = Token(kind: .number, lexeme: text, offset: start)
        token.numberValue = value
        tokens.append(token)
    }

    private mutating func consumeString() throws(ExpressionError) {
        while offset < input.count {
            if input[offset] == 0x27 {
                if offset + 1 < input.count, input[offset + 1] == 0x27 {
                    offset += 2
                    continue
                }
                break
            }
            offset += 1
        }
        if offset >= input.count {
            throw unexpected(String(decoding: input[start...], as: UTF16.self))
        }
        offset += 1
        let raw = Self.text(input[(start + 1)..<(offset - 1)])
        var token = Token(kind: .string, lexeme: lexeme(), offset: start)
        token.stringValue = raw.replacingOccurrences(of: "''", with: "'")
        tokens.append(token)
    }

    private mutating func consumeIdentifier() throws(ExpressionError) {
        while offset < input.count, !Lexer.isBoundary(input[offset]) { offset += 1 }
        let text = lexeme()
        var token = Token(kind: .identifier, lexeme: text, offset: start)
        if previousKind != .dot {
            switch text {
            case "true": token = Token(kind: .true, lexeme: text, offset: start)
            case "false": token = Token(kind: .false, lexeme: text, offset: start)
            case "null": token = Token(kind: .null, lexeme: text, offset: start)
            case "NaN":
                token = Token(kind: .number, lexeme: text, offset: start)
                token.numberValue = .nan
            case "Infinity":
                token = Token(kind: .number, lexeme: text, offset: start)
                token.numberValue = .infinity
            default: break
            }
        }
        if !Lexer.isLegalIdentifier(text) { throw unexpected(text) }
        tokens.append(token)
    }

    static func isBoundary(_ c: UInt16) -> Bool {
        switch c {
        case 0x28, 0x5B, 0x29, 0x5D, 0x2C, 0x2E, 0x21, 0x3E, 0x3C, 0x3D, 0x26, 0x7C: return true
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
             0x3000, 0xFEFF: return true
        default: return false
        }
    }

    static func isLegalIdentifier(_ s: String) -> Bool {
        let bytes = s.utf8
        guard let first = bytes.first else { return false }
        guard isLetter(first) || first == 0x5F else { return false }
        return bytes.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        // Most strings have no quote to unescape.
        guard utf8.contains(0x27) else { return self }
        // The reference uses JavaScript's String.replace with a string pattern, which
        // replaces only the first occurrence; GitHub's runner replaces all. The runner is
        // what executes workflows, so all occurrences are replaced here.
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

