// Micro-benchmarks for `make bench` that need no peer: expression evaluation throughput.
import Expressions
import Foundation

/// Evaluates typical workflow conditions repeatedly and prints evaluations per second.
func benchmarkExpressions() {
    let contexts = ExpressionObject([
        ("github", .object(ExpressionObject([
            ("ref", .string("refs/heads/main")), ("event_name", .string("push")),
            ("sha", .string("2ce6b095f4cceb616efed52266e3e3c0367ba795")),
            ("event", .object(ExpressionObject([("pull_request", .object(ExpressionObject([("draft", .bool(false))])))]))),
        ]))),
        ("matrix", .object(ExpressionObject([("os", .string("ubuntu")), ("python", .number(3.11))]))),
        ("needs", .object(ExpressionObject([("test", .object(ExpressionObject([
            ("result", .string("success")), ("outputs", .object(ExpressionObject([("accuracy", .string("0.93"))]))),
        ])))]))),
        ("env", .object(ExpressionObject([("MIN_ACCURACY", .string("0.9"))]))),
    ])
    let context = EvaluationContext(contexts: contexts, functions: ["success": { _ in .bool(true) }])
    let sources = [
        "github.ref == 'refs/heads/main' && github.event_name == 'push'",
        "success() && needs.test.result == 'success' && needs.test.outputs.accuracy >= fromJSON(env.MIN_ACCURACY)",
        "contains(fromJSON('[\"ubuntu\",\"macos\"]'), matrix.os) && matrix.python > 3.9",
        "startsWith(github.ref, 'refs/tags/') || !github.event.pull_request.draft",
    ]
    let expressions = sources.map { try! Expression($0, functions: .statusFunctions) }
    var sink = 0
    // Warm up, then measure.
    for e in expressions { for _ in 0..<10_000 { if (try? e.evaluate(in: context))?.isTruthy == true { sink += 1 } } }
    let iterations = 500_000
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<iterations {
        if (try? expressions[i & 3].evaluate(in: context))?.isTruthy == true { sink += 1 }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let perSecond = Double(iterations) / seconds
    print(String(format: "expressions_per_second %.0f", perSecond))
    if sink == 42 { print("") }
}

benchmarkExpressions()
