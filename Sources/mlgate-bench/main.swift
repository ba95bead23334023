// `make bench` helpers. No arguments: expression evaluation throughput. With a verb, one
// GitState operation as a whole process, so scripts/bench.sh can time it against git:
//   mlgate-bench changed-paths REPO OLD NEW   prints the changed paths, like git diff --name-only
//   mlgate-bench materialize REPO REV DIR     writes REV's tree into DIR, like git archive | tar -x
//   mlgate-bench fetch URL DIR REF            fetches REF into a new bare repository DIR, as the
//                                             action cache does (Runner's ActionCache)
// With MLGATE_BENCH_REPEAT=N set, the operation runs N times in the process (after one warm-up
// run) and the median time of one run is printed instead: the in-process cost, without the
// process's start-up.
import Expressions
import Foundation
import GitState

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

/// Runs one GitState operation named on the command line; false when there is none.
func runGitOperation(_ arguments: [String]) -> Bool {
    guard arguments.count == 4, ["changed-paths", "materialize", "fetch"].contains(arguments[0]) else { return false }
    let repeats = Int(ProcessInfo.processInfo.environment["MLGATE_BENCH_REPEAT"] ?? "") ?? 0
    do {
        // A new repository handle per run: its object cache starts cold each time, as in a
        // real run, which computes this once.
        func once() throws -> String {
            if arguments[0] == "fetch" {
                try? FileManager.default.removeItem(atPath: arguments[2])
                let ref = arguments[3]
                let repository = try Repository(bareAt: arguments[2])
                if try !repository.fetchShallow(from: arguments[1], ref: ref) {
                    try repository.fetch(from: arguments[1], refspecs: ["+refs/tags/\(ref):refs/tags/\(ref)", "+refs/heads/\(ref):refs/heads/\(ref)"])
                }
                return ""
            }
            let repository = try Repository(discovering: arguments[1])
            if arguments[0] == "changed-paths" {
                return try repository.changedPaths(from: arguments[2], to: arguments[3]).map { $0.path + "\n" }.joined()
            }
            try? FileManager.default.removeItem(atPath: arguments[3])
            try repository.materialize(arguments[2], into: arguments[3])
            return ""
        }
        if repeats > 0 {
            _ = try once()
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try once()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            print(String(format: "%.4f", times.sorted()[times.count / 2]))
        } else {
            FileHandle.standardOutput.write(Data(try once().utf8))
        }
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
    return true
}

if !runGitOperation(Array(CommandLine.arguments.dropFirst())) {
    benchmarkExpressions()
}
