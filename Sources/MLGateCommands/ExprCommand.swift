import ArgumentParser
import Expressions
import Foundation
import Runner

/// `mlgate expr`: evaluates one expression, for debugging an `if:`.
struct ExprCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expr",
        abstract: "Evaluate a GitHub Actions expression and print the result as JSON.",
        discussion: "Example: mlgate expr \"contains(github.ref, 'main') && matrix.os == 'linux'\" --context ctx.json")

    @Argument(help: "The expression, bare or wrapped in ${{ }}.")
    var expression: String

    @Option(name: .long, help: "A JSON file whose top-level keys are the contexts (github, env, matrix, …).")
    var context: String?

    func run() throws {
        var contexts = ExpressionObject([])
        if let context {
            guard let data = FileManager.default.contents(atPath: context) else {
                ConsoleOutput().err("mlgate: \(context): cannot read the file")
                throw ExitCode(2)
            }
            do {
                guard case .object(let object) = try JSON.parse(String(decoding: data, as: UTF8.self)) else {
                    ConsoleOutput().err("mlgate: \(context): the contexts must be a JSON object")
                    throw ExitCode(2)
                }
                contexts = object
            } catch let error as JSON.SyntaxError {
                ConsoleOutput().err("mlgate: \(context): invalid JSON: \(error.message)")
                throw ExitCode(2)
            }
        }
        var text = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("${{"), text.hasSuffix("}}") { text = String(text.dropFirst(3).dropLast(2)) }
        let cwd = FileManager.default.currentDirectoryPath
        do {
            // As GitHub's parser: a name that is neither one of its contexts nor given in
            // --context is "Unrecognized named-value".
            let known: Set<String> = ["github", "env", "vars", "secrets", "inputs", "job", "jobs", "steps", "runner", "strategy", "matrix", "needs"]
            let parsed = try Expression(text, allowedContexts: known.union(contexts.pairs.map { $0.key.lowercased() }), functions: .runner)
            let value = try parsed.evaluate(in: EvaluationContext(contexts: contexts, functions: [
                "success": { _ in .bool(true) }, "failure": { _ in .bool(false) },
                "cancelled": { _ in .bool(false) }, "always": { _ in .bool(true) },
                "hashfiles": { args throws(ExpressionError) in .string(try HashFiles.hash(patterns: args.map(\.stringValue), workspace: cwd)) },
            ]))
            ConsoleOutput().out(JSON.stringify(value))
        } catch {
            let caret = error.position.map { "\n  " + text + "\n  " + String(repeating: " ", count: max(0, $0 - 1)) + "^" } ?? ""
            ConsoleOutput().err("mlgate: \(error.phase) error: \(error.message)\(caret)")
            throw ExitCode(2)
        }
    }
}
