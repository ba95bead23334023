import Expressions
import Foundation
import YAMLSource

/// actionlint's property checks on expressions: `matrix.X` in a job without a matrix or
/// whose matrix never defines X, `steps.X` before step X (or with no such step), `needs.X`
/// for a job not in `needs`, `needs.X.outputs.Y` that job X does not declare, and `inputs.X`
/// that no `workflow_dispatch` or `workflow_call` input defines. Like actionlint, one finding
/// per string: the first.
enum WorkflowDefinitions {
    /// What the workflow defines, read off its tree.
    struct Scope {
        var inputs: Set<String>?          // nil: the workflow has no event that defines inputs
        var jobOutputs: [String: Set<String>?] = [:]  // nil: unknown (a reusable call, an expression)
        var needs: Set<String> = []
        var matrix: Set<String>?          // nil: computed (fromJSON…), so anything goes
        var steps: Set<String>?           // nil: steps are not in scope here
        var stepOutputs: [String: Set<String>] = [:]  // the outputs of steps that use a local or popular action
        var stepsDescription: String { "{" + (steps ?? []).sorted().joined(separator: ", ") + "}" }
        /// The type of each context here.
        var types: [String: ExpressionType] = [:]
        /// The typed values (checked by their key's type), which the text checks skip.
        var typed: Set<Place> = []
    }

    static func check(_ root: YAMLNode, source: String, read: ((String) -> String?)? = nil, into out: inout [Diagnostic]) {
        let lines = SourceLines(source)
        var base = Scope()
        if let on = root["on"] {
            var names: Set<String>? = nil
            let events: [String] = on.scalar.map { [$0] } ?? on.items?.compactMap(\.scalar) ?? on.entries.map(\.0)
            for event in ["workflow_dispatch", "workflow_call"] where events.contains(event) {
                names = (names ?? []).union(on[event]?["inputs"]?.entries.map { $0.0.lowercased() } ?? [])
            }
            base.inputs = names
        }
        base.types = WorkflowContextTypes.base(root)
        checkTyped(typedWorkflowKeys(root), scope: base, lines: lines, typed: &base.typed, into: &out)
        for (key, value) in root.entries where key == "env" || key == "concurrency" || key == "run-name" {
            walk(value, key: key, scope: base, lines: lines, into: &out)
        }
        let jobs = root["jobs"]?.entries ?? []
        for (id, job) in jobs {
            if let uses = job["uses"]?.scalar, let read, let called = WorkflowCallUse.called(uses, read: read) {
                base.jobOutputs[id.lowercased()] = called.outputs
            } else if job["uses"] != nil || job["outputs"].map({ $0.scalar != nil }) == true {
                base.jobOutputs[id.lowercased()] = .some(nil)
            } else {
                base.jobOutputs[id.lowercased()] = Set((job["outputs"]?.entries ?? []).map { $0.0.lowercased() })
            }
        }
        for (_, job) in jobs {
            var scope = base
            if let needs = job["needs"] { scope.needs = Set((needs.scalar.map { [$0] } ?? needs.items?.compactMap(\.scalar) ?? []).map { $0.lowercased() }) }
            scope.matrix = matrixKeys(job["strategy"]?["matrix"])
            scope.types["matrix"] = WorkflowContextTypes.matrix(job["strategy"]?["matrix"])
            scope.types["needs"] = WorkflowContextTypes.needs(scope.needs, outputs: base.jobOutputs)
            checkTyped(typedJobKeys(job), scope: scope, lines: lines, typed: &scope.typed, into: &out)
            let stepNodes = job["steps"]?.items ?? []
            // Each step's outputs, when its action declares them (nil: any name).
            var stepOutputs: [(id: String, outputs: Set<String>?)] = []
            for step in stepNodes {
                guard let id = step["id"]?.scalar?.lowercased() else { continue }
                var declared: Set<String>?
                if let uses = step["uses"]?.scalar {
                    if uses.hasPrefix("./") {
                        if let read { declared = WorkflowActionUse.local(uses, read: read)?.outputs }
                    } else {
                        declared = PopularActions.outputs(of: uses)
                    }
                }
                stepOutputs.append((id, declared))
            }
            // Job-level values: the keys that may read `steps` (job outputs, an environment's
            // URL) see every step; elsewhere the decoder refuses the context.
            var jobScope = scope
            jobScope.types["steps"] = WorkflowContextTypes.steps(Dictionary(stepOutputs, uniquingKeysWith: { a, _ in a }))
            for (key, value) in job.entries where !["steps", "strategy", "outputs"].contains(key) {
                walk(value, key: key, scope: jobScope, lines: lines, into: &out)
            }
            if let outputs = job["outputs"] {
                var withSteps = scope
                withSteps.steps = Set(stepOutputs.map(\.id))
                withSteps.types["steps"] = WorkflowContextTypes.steps(Dictionary(stepOutputs, uniquingKeysWith: { a, _ in a }))
                walk(outputs, key: "outputs", scope: withSteps, lines: lines, into: &out)
            }
            var earlier: Set<String> = []
            var outputs: [String: Set<String>] = [:]
            var earlierTypes: [String: Set<String>?] = [:]
            for step in stepNodes {
                var stepScope = scope
                stepScope.steps = earlier
                stepScope.stepOutputs = outputs
                stepScope.types["steps"] = WorkflowContextTypes.steps(earlierTypes)
                checkTyped(typedStepKeys(step), scope: stepScope, lines: lines, typed: &stepScope.typed, into: &out)
                walk(step, key: "step", scope: stepScope, lines: lines, into: &out)
                if let id = step["id"]?.scalar?.lowercased(), let known = stepOutputs.first(where: { $0.id == id }) {
                    earlier.insert(id)
                    if earlierTypes[id] == nil { earlierTypes[id] = known.outputs }
                    if let declared = known.outputs { outputs[id] = declared }
                }
            }
        }
    }

    /// The matrix's keys: its axes and its include entries' keys; nil when computed.
    static func matrixKeys(_ matrix: YAMLNode?) -> Set<String>? {
        guard let matrix else { return [] }
        guard case .mapping(let entries) = matrix.content else { return nil }
        var keys = Set<String>()
        for (key, value) in entries {
            guard let name = key.scalar, !name.has("${{") else { return nil }
            switch name {
            case "include":
                guard let items = value.items else { return nil }
                for item in items {
                    guard case .mapping = item.content else { return nil }
                    for (k, _) in item.entries { keys.insert(k.lowercased()) }
                }
            case "exclude": break
            default:
                keys.insert(name.lowercased())  // an axis, its values literal or computed
            }
        }
        return keys
    }

    /// Every string below `node`; `if:` values are expressions without `${{ }}`.
    static func walk(_ node: YAMLNode, key: String, scope: Scope, lines: SourceLines, into out: inout [Diagnostic]) {
        switch node.content {
        case .scalar(let text, _):
            if key == "if", !text.has("${{") {
                checkExpression(text, node: node, scope: scope, lines: lines, into: &out)
            } else if text.has("${{") {
                // As actionlint: the string's expressions in order, up to the first with a
                // problem; the values text would show only when none has one.
                let typed = key == "if" || scope.typed.contains(Place(node))
                var shown: [(String, ExpressionType)] = []
                for inner in segments(text) {
                    let (typing, reported) = checkExpression(inner, node: node, scope: scope, lines: lines, into: &out)
                    if reported { return }
                    if !typed, let typing { shown.append((inner, typing.type)) }
                }
                for (inner, type) in shown { checkShown(inner, type, node: node, lines: lines, into: &out) }
            }
        case .sequence(let items):
            for item in items { walk(item, key: key, scope: scope, lines: lines, into: &out) }
        case .mapping(let entries):
            for (k, v) in entries { walk(v, key: k.scalar ?? key, scope: scope, lines: lines, into: &out) }
        }
    }

    /// Checks one expression; true when it reported (the string's first finding).
    @discardableResult
    static func check(expression text: String, node: YAMLNode, scope: Scope, lines: SourceLines, into out: inout [Diagnostic]) -> Bool {
        // Only expressions that name a context checked here are parsed (again).
        guard mentions(text, ["matrix", "steps", "needs", "inputs"]) else { return false }
        guard let expression = try? Expression(text) else { return false }  // syntax is the decoder's to report
        for path in expression.accessedPaths {
            let parts = path.split(separator: ".").map(String.init)
            guard parts.count >= 2, parts[1] != "*" else { continue }
            var problem: String?
            switch parts[0] {
            case "matrix":
                if let keys = scope.matrix, !keys.contains(parts[1]) {
                    problem = "property \"\(parts[1])\" is not defined in object type {\(keys.sorted().map { "\($0): string" }.joined(separator: "; "))}"
                        + (keys.isEmpty ? ": the job has no matrix" : "")
                }
            case "steps":
                if let steps = scope.steps, !steps.contains(parts[1]) {
                    problem = "property \"\(parts[1])\" is not defined in object type \(scope.stepsDescription): no step before this one has id \"\(parts[1])\""
                } else if parts.count >= 4, parts[2] == "outputs", parts[3] != "*", let outputs = scope.stepOutputs[parts[1]], !outputs.contains(parts[3]) {
                    problem = "property \"\(parts[3])\" is not defined in object type {\(outputs.sorted().map { "\($0): string" }.joined(separator: "; "))}: the action of step \"\(parts[1])\" declares no output \"\(parts[3])\""
                }
            case "needs":
                if !scope.needs.contains(parts[1]) {
                    problem = "property \"\(parts[1])\" is not defined in object type {\(scope.needs.sorted().joined(separator: ", "))}: the job does not need \"\(parts[1])\""
                } else if parts.count >= 4, parts[2] == "outputs", parts[3] != "*", case .some(.some(let outputs)) = scope.jobOutputs[parts[1]],
                          !outputs.contains(parts[3]) {
                    problem = "property \"\(parts[3])\" is not defined in object type {\(outputs.sorted().map { "\($0): string" }.joined(separator: "; "))}: job \"\(parts[1])\" has no output \"\(parts[3])\""
                }
            case "inputs":
                if let inputs = scope.inputs {
                    if !inputs.contains(parts[1]) {
                        problem = "property \"\(parts[1])\" is not defined in object type {\(inputs.sorted().joined(separator: ", "))}: no input \"\(parts[1])\" is declared"
                    }
                } else {
                    problem = "property \"\(parts[1])\" is not defined in object type {}: inputs are set by workflow_dispatch or workflow_call, which do not trigger this workflow"
                }
            default:
                continue
            }
            guard let problem else { continue }
            out.append(Diagnostic(location(of: parts[0], in: text, node: node, lines: lines), problem, rule: "expression"))
            return true
        }
        return false
    }

    /// Where `context` is written in the source: in the expression's text on the scalar's
    /// first line (after where the scalar starts), else on the lines after it (a block
    /// scalar's), else the scalar's own position.
    static func location(of context: String, in expression: String, node: YAMLNode, lines: SourceLines) -> SourceLocation {
        find(context, in: expression, from: node.location, lines: lines) ?? node.location
    }

    /// Where `context` is written inside the first occurrence of `expression` at or after
    /// `start` (a value's position), within the 500 lines after it.
    static func find(_ context: String, in expression: String, from start: SourceLocation, lines: SourceLines) -> SourceLocation? {
        let first = start.line
        guard first >= 1, first <= lines.all.count else { return nil }
        for line in first...min(lines.all.count, first + 500) {
            let text = lines.all[line - 1]
            let startColumn = line == first ? min(max(0, start.column - 1), text.count) : 0
            let from = text.index(text.startIndex, offsetBy: startColumn)
            guard let found = text.range(of: expression, range: from..<text.endIndex),
                  let name = text.range(of: context, options: .caseInsensitive, range: found) else { continue }
            return SourceLocation(file: start.file, line: line, column: text.distance(from: text.startIndex, to: name.lowerBound) + 1)
        }
        return nil
    }

    /// Where the character at `offset` (UTF-16) of `expression` is in the source (the
    /// expression found as `location(of:in:node:lines:)` finds a name); the scalar's position
    /// when the expression is not written on one line.
    static func location(at offset: Int, in expression: String, node: YAMLNode, lines: SourceLines) -> SourceLocation {
        guard let start = find(expression, in: expression, from: node.location, lines: lines) else { return node.location }
        let clamped = min(max(0, offset), expression.utf16.count)
        let characters = expression[..<String.Index(utf16Offset: clamped, in: expression)].count
        return SourceLocation(file: start.file, line: start.line, column: start.column + characters)
    }
}

extension WorkflowDefinitions {
    /// The insides of a string's `${{ }}` segments, found on its bytes.
    static func segments(_ text: String) -> [String] {
        var out: [String] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == 0x24, bytes[i + 1] == 0x7B, bytes[i + 2] == 0x7B else { i += 1; continue }
            var j = i + 3
            while j + 1 < bytes.count, !(bytes[j] == 0x7D && bytes[j + 1] == 0x7D) { j += 1 }
            guard j + 1 < bytes.count else { break }
            out.append(String(decoding: bytes[(i + 3)..<j], as: UTF8.self))
            i = j + 2
        }
        return out
    }

    /// Whether `text` contains one of `words` (lower-case ASCII), ignoring ASCII case.
    static func mentions(_ text: String, _ words: [String]) -> Bool {
        let folded = String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        return words.contains { folded.has($0) }
    }
}

/// A source's lines, split only when a finding needs a column.
final class SourceLines {
    private let source: String
    private var split: [String]?
    init(_ source: String) { self.source = source }
    var all: [String] {
        if let split { return split }
        let made = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        split = made
        return made
    }
}
