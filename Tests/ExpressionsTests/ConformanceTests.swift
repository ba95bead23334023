import Foundation
import Testing
@testable import Expressions

/// GitHub's cross-implementation expression corpus (actions/languageservices, MIT; see
/// Conformance/LICENSE): every case must give the same result, or fail in the same phase.
@Suite("GitHub expression conformance")
struct ConformanceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let name: String
        let expr: String
        let contexts: ExpressionValue?
        let expected: Expected
        var testDescription: String { "\(file) \(name): \(expr)" }
    }

    enum Expected: Sendable {
        case result(kind: String, value: ExpressionValue)
        case error(phase: String, message: String)
    }

    static let cases: [Case] = loadCases()

    static func loadCases() -> [Case] {
        guard let dir = Bundle.module.url(forResource: "Conformance", withExtension: nil) else { return [] }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        var cases: [Case] = []
        for file in files {
            let text = try! String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            guard case .object(let groups) = try! JSON.parse(text) else { continue }
            for (name, list) in groups.pairs {
                guard case .array(let items) = list else { continue }
                for item in items.items {
                    guard case .object(let c) = item, case .string(let expr)? = c["expr"] else { continue }
                    let expected: Expected
                    if case .object(let err)? = c["err"] {
                        expected = .error(phase: err["kind"]?.stringValue ?? "", message: err["value"]?.stringValue ?? "")
                    } else if case .object(let result)? = c["result"] {
                        expected = .result(kind: result["kind"]?.stringValue ?? "", value: result["value"] ?? .null)
                    } else { continue }
                    cases.append(Case(file: file, name: name, expr: expr, contexts: c["contexts"], expected: expected))
                }
            }
        }
        return cases
    }

    @Test("the corpus is all there")
    func corpusIsComplete() {
        #expect(Self.cases.count == 1020)
    }

    @Test(arguments: cases)
    func conformance(_ c: Case) throws {
        var contextObject = ExpressionObject([])
        if case .object(let o)? = c.contexts { contextObject = o }
        let names = Set(contextObject.keys.map { $0.lowercased() })
        let outcome: Result<ExpressionValue, ExpressionError> = Result {
            let expression = try Expression(c.expr, allowedContexts: names)
            return try expression.evaluate(in: EvaluationContext(contexts: contextObject))
        }.mapError { $0 as! ExpressionError }
        switch (c.expected, outcome) {
        case let (.result(kind, expected), .success(actual)):
            let actualKind = actual.kindName == "Object" ? "Object" : actual.kindName
            #expect(actualKind == kind, "kind of \(c.expr)")
            #expect(actual.structurallyEquals(expected), "value of \(c.expr): got \(JSON.compact(actual)), expected \(JSON.compact(expected))")
        case let (.result(_, expected), .failure(error)):
            Issue.record("\(c.expr): expected \(JSON.compact(expected)), got \(error.phase) error \(error.message)")
        case let (.error(phase, _), .success(actual)):
            Issue.record("\(c.expr): expected a \(phase) error, got \(JSON.compact(actual))")
        case let (.error(phase, _), .failure(error)):
            let expectedBeforeEvaluation = phase != "evaluation"
            let actualBeforeEvaluation = error.phase != .evaluation
            #expect(expectedBeforeEvaluation == actualBeforeEvaluation, "\(c.expr): expected \(phase), got \(error.phase): \(error.message)")
        }
    }
}
