import Testing
@testable import Expressions

/// The lint's expression types (actionlint's semantics), on expressions alone.
@Suite("Expression types")
struct TypeCheckerTests {
    static let contexts: [String: ExpressionType] = [
        "github": .strict(["ref": .string, "event": .looseObject, "ref_protected": .bool]),
        "matrix": .strict(["n": .number, "row": .strict(["size": .number])]),
        "env": .map(.string),
    ]

    func problems(_ text: String) -> [String] {
        (Expression.typeCheck(text, contexts: Self.contexts)?.problems ?? []).map { "\($0.offset) \($0.message)" }
    }

    @Test("format placeholders as actionlint reads them: doubled braces are literal", arguments: [
        ("{0} {1}", [0, 1]), ("{{0}}", []), ("{{{0}}}", [0]), ("{0", []), ("{x}", []), ("{10}", [10]), ("a{0}b{0}", [0]),
    ])
    func placeholders(text: String, found: [Int]) {
        #expect(TypeChecker.placeholders(in: text) == Set(found))
    }

    @Test("comparisons that cannot hold are found at their left operand; the others are not")
    func comparisons() {
        #expect(problems("github.event == 'push'") == ["0 \"object\" value cannot be compared to \"string\" value with \"==\" operator"])
        #expect(problems("  'x' < matrix.row") == ["2 \"string\" value cannot be compared to \"{size: number}\" value with \"<\" operator"])
        #expect(problems("github.ref_protected < true").count == 1)
        #expect(problems("matrix.n > '2' && github.ref == 'refs/heads/main' && env.A != 1").isEmpty)
        #expect(problems("github.event == github.event").isEmpty, "objects compare by identity")
        #expect(problems("fromJSON(env.JSON) == 'x'").isEmpty, "fromJSON of a value is any")
    }

    @Test("arguments, properties and filters get the type they need")
    func argumentsAndProperties() {
        #expect(problems("startsWith(github.event, 'x')").first?.hasPrefix("11 1st argument of function call is not assignable") == true)
        #expect(problems("contains(github.event.commits.*.message, 'x')").isEmpty)
        #expect(problems("github.evnt").first?.hasPrefix("0 property \"evnt\" is not defined in object type {event: object; ref: string; ref_protected: bool}") == true)
        #expect(problems("github.ref.name").first == "0 receiver of object dereference \"name\" must be type of object but got \"string\"")
        #expect(problems("matrix.row['size'] == 1 && matrix.row['sise'] == 1") == ["27 property \"sise\" is not defined in object type {size: number}"])
        #expect(problems("format('{0} {1}', 1)") == ["0 format string \"{0} {1}\" contains placeholder {1} but only 1 arguments are given to format"])
        #expect(problems("format('no placeholder')").isEmpty, "the text alone is valid, as GitHub evaluates it")
        #expect(problems("format('{0}')").count == 1, "a placeholder without its argument fails when it runs")
        #expect(problems("join('a,b')").isEmpty, "join of a string, as GitHub documents")
    }

    @Test("types flow through || and &&, with narrowing, and from fromJSON of literals")
    func typesOfValues() {
        #expect(Expression.typeCheck("github.ref_protected && 'yes' || 'no'", contexts: Self.contexts)?.type == .string)
        #expect(Expression.typeCheck("fromJSON('[1, 2]')", contexts: Self.contexts)?.type == .array(.number))
        #expect(Expression.typeCheck("fromJSON('{\"a\": true}')", contexts: Self.contexts)?.type == .strict(["a": .bool]))
        #expect(Expression.typeCheck("matrix.row", contexts: Self.contexts)?.type.description == "{size: number}")
        #expect(Expression.typeCheck("env", contexts: Self.contexts)?.type.description == "{string => string}")
        #expect(Expression.typeCheck("github.event == ", contexts: Self.contexts) == nil, "what does not parse is the parser's to report")
    }

    @Test("constant expressions: literals and pure functions of them, not contexts, fromJSON or status functions")
    func constants() {
        for text in ["true", "1 == 1", "contains('abc', 'b')", "format('{0}', 1) == '1'", "!(false)"] {
            #expect(Expression.typeCheck(text, contexts: [:])?.isConstant == true, "\(text)")
        }
        for text in ["github.ref == 'x'", "always()", "fromJSON('true')", "hashFiles('x') != ''", "success() && true"] {
            #expect(Expression.typeCheck(text, contexts: [:])?.isConstant == false, "\(text)")
        }
    }
}
