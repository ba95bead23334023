import Foundation
import Expressions

extension WorkflowDecoder {
    /// Keys that users often put at the wrong level, with where they belong.
    static let misplacedHints: [String: String] = [
        "steps": "'steps' belongs inside a job",
        "runs-on": "'runs-on' belongs inside a job",
        "needs": "'needs' belongs inside a job",
        "run": "'run' belongs inside a step (a '- run:' item under 'steps')",
        "uses": "'uses' belongs inside a step or a job",
        "with": "'with' belongs inside a 'uses' step",
        "matrix": "'matrix' belongs under 'strategy'",
        "branches": "'branches' belongs under an event such as 'push'",
        "jobs": "'jobs' belongs at the top level of the workflow",
        "on": "'on' belongs at the top level of the workflow",
        "shell": "'shell' belongs in a step or under 'defaults.run'",
        "working-directory": "'working-directory' belongs in a step or under 'defaults.run'",
    ]

    /// Checks `node` is a mapping with string keys from `keys`, with hints for misplaced keys.
    mutating func mapping(_ node: YAMLNode, _ what: String, keys: [String]) -> MappingView? {
        mapping(node, what, keys: keys, hints: Self.misplacedHints)
    }

    /// The candidate within edit distance 2 of `word`, for "did you mean".
    static func closest(_ word: String, in candidates: [String]) -> String? {
        closestWord(word, in: candidates)
    }

    mutating func parseTemplate(_ text: String, _ node: YAMLNode, scope: ContextScope) -> Template? {
        do {
            return try Template(text, allowedContexts: scope.contexts, functions: scope.functions)
        } catch {
            diagnostics.append(Diagnostic(Self.location(of: error, in: text, node: node), "invalid expression: \(error.message)", rule: "expression"))
            return nil
        }
    }

    /// Where a failing expression is: for one-line scalars the token it failed at (else its
    /// `${{`), the scalar's start otherwise.
    static func location(of error: ExpressionError, in text: String, node: YAMLNode) -> SourceLocation {
        guard let offset = error.templateOffset, !text.has("\n"),
              case .scalar(let raw, let quoted) = node.content else { return node.location }
        let opening = quoted && !text.hasPrefix("${{") ? 1 : 0
        var column = node.location.column + offset + opening
        if let position = error.position {
            if raw == text {
                // The expression starts after `${{` and the spaces after it.
                let spaces = text.utf16.dropFirst(offset + 3).prefix { $0 == 0x20 || $0 == 0x09 }.count
                column += 3 + spaces + position - 1
            } else if !raw.has("${{"), raw == raw.trimmedSpaces() {
                // A bare condition, read as `${{ condition }}`.
                column = node.location.column + (quoted ? 1 : 0) + position - 1
            }
        }
        return SourceLocation(file: node.location.file, line: node.location.line, column: column)
    }

    mutating func templateString(_ node: YAMLNode, scope: ContextScope) -> TemplateString? {
        guard let text = string(node, "the value") else { return nil }
        guard let template = parseTemplate(text, node, scope: scope) else { return nil }
        return TemplateString(source: text, template: template, location: node.location)
    }

    /// `if:` accepts a bare expression or `${{ }}`.
    mutating func condition(_ node: YAMLNode, scope: ContextScope) -> Condition? {
        guard let text = string(node, "'if'") else { return nil }
        let trimmed = text.trimmedSpaces(newlines: true)
        let source = trimmed.has("${{") ? trimmed : "${{ \(trimmed) }}"
        guard let template = parseTemplate(source, node, scope: scope) else { return nil }
        return Condition(source: text, template: template, location: node.location)
    }

    /// A mapping of names to values. With `wholeExpression` (job and step `env`, as GitHub's
    /// schema allows), the mapping may be one expression (`${{ fromJSON(vars.ENV) }}`),
    /// returned as a single entry without a name and evaluated to an object when it runs.
    mutating func envMap(_ node: YAMLNode, scope: ContextScope, what: String = "env", wholeExpression: Bool = false) -> [(String, TemplateString)] {
        if node.isNull { return [] }
        if wholeExpression, case .scalar(let text, _) = node.content, text.has("${{") {
            return templateString(node, scope: scope).map { [("", $0)] } ?? []
        }
        guard case .mapping(let pairs) = node.content else {
            report(node, "'\(what)' must be a mapping of names to values")
            return []
        }
        var result: [(String, TemplateString)] = []
        for (k, v) in pairs {
            guard let key = string(k, "a name in '\(what)'") else { continue }
            if key.has("${{") {
                // Evaluated when it runs: an expression name, or `${{ insert }}` of an
                // expression giving an object.
                if TemplateKey.isInsertDirective(key) {
                    guard case .scalar(let text, _) = v.content, text.has("${{") else {
                        report(v, "the value of '${{ insert }}' in '\(what)' must be an expression giving a mapping, such as ${{ fromJSON(vars.EXTRA) }}")
                        continue
                    }
                } else if parseTemplate(key, k, scope: scope) == nil {
                    continue
                }
            }
            if case .scalar = v.content {
                if let value = templateString(v, scope: scope) { result.append((key, value)) }
            } else {
                report(v, "'\(what).\(key)' must be a string, number or boolean, not \(v.kindName)")
            }
        }
        return result
    }

    /// `environment:` of a job: a name, or `{ name, url, deployment }`; the URL may read
    /// the job's steps (GitHub's Pages workflows use `${{ steps.deployment.outputs.page_url }}`).
    mutating func jobEnvironment(_ node: YAMLNode) -> DynamicValue {
        guard case .mapping = node.content else { return dynamic(node, scope: .jobStrategyContext) }
        guard let map = mapping(node, "environment", keys: ["name", "url", "deployment"]) else { return .literal(.null) }
        if map["name"] == nil { report(node, "'environment' needs a 'name'") }
        var pairs: [(String, DynamicValue)] = []
        if let name = map["name"] { pairs.append(("name", dynamic(name, scope: .jobStrategyContext))) }
        if let url = map["url"] { pairs.append(("url", dynamic(url, scope: .environmentURL))) }
        if let deployment = map["deployment"] { pairs.append(("deployment", booleanValue(deployment, scope: .jobStrategyContext))) }
        return .object(pairs)
    }

    /// A value kept with its YAML types (plain numbers are numbers, `true`/`false` booleans),
    /// expressions parsed for later.
    mutating func dynamic(_ node: YAMLNode, scope: ContextScope) -> DynamicValue {
        switch node.content {
        case .scalar(let s, let quoted):
            if s.has("${{") {
                guard let t = parseTemplate(s, node, scope: scope) else { return .literal(.null) }
                return .template(t)
            }
            return .literal(Self.typedScalar(s, quoted: quoted))
        case .sequence(let items):
            return .array(items.map { dynamic($0, scope: scope) })
        case .mapping(let pairs):
            return .object(pairs.compactMap { pair in
                guard let key = templateKey(pair.key, scope: scope) else { return nil }
                return (key, dynamic(pair.value, scope: scope))
            })
        }
    }

    /// A mapping key, which may be an expression or `${{ insert }}` (see `TemplateKey`); an
    /// expression that does not parse, or uses what `scope` does not allow, is reported.
    mutating func templateKey(_ node: YAMLNode, scope: ContextScope) -> String? {
        guard let key = string(node, "a key") else { return nil }
        if key.has("${{"), !TemplateKey.isInsertDirective(key) {
            guard parseTemplate(key, node, scope: scope) != nil else { return nil }
        }
        return key
    }

    /// YAML 1.2 core schema typing of a scalar, as GitHub reads it.
    static func typedScalar(_ s: String, quoted: Bool) -> ExpressionValue {
        if quoted { return .string(s) }
        switch s {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if let first = s.unicodeScalars.first, "+-.0123456789".unicodeScalars.contains(first) {
            let n = JSNumber.parse(s)
            if !n.isNaN, !s.hasPrefix("0x"), !s.hasPrefix("0b") || s == "0b" { return .number(n) }
            if s.hasPrefix("0x"), let v = Int(s.dropFirst(2), radix: 16) { return .number(Double(v)) }
        }
        return .string(s)
    }

    /// A number or an expression. A literal must be at least `minimum`, at most `maximum`
    /// (what a runner can honour), and whole when `whole` is set.
    mutating func number(_ node: YAMLNode, scope: ContextScope, _ what: String,
                         minimum: Double = 0, maximum: Double = .greatestFiniteMagnitude, whole: Bool = false) -> DynamicValue {
        let value = dynamic(node, scope: scope)
        if case .literal(let v) = value {
            guard case .number(let n) = v, n >= minimum, n.isFinite else {
                report(node, "'\(what)' must be " + (minimum == 0 ? "a non-negative number" : (whole ? "a whole number" : "a number") + " of at least \(JSNumber.format(minimum)),") + " or an expression")
                return .literal(.null)
            }
            guard n <= maximum else {
                report(node, "'\(what)' of \(JSNumber.format(n)) is more than any runner allows: at most \(JSNumber.format(maximum))")
                return .literal(.null)
            }
            guard !whole || n.rounded() == n else {
                report(node, "'\(what)' must be a whole number, not \(JSNumber.format(n))")
                return .literal(.null)
            }
        }
        return value
    }

    mutating func booleanValue(_ node: YAMLNode, scope: ContextScope) -> DynamicValue {
        let value = dynamic(node, scope: scope)
        if case .literal(let v) = value, case .bool = v { return value }
        if case .template = value { return value }
        report(node, "expected true, false or an expression")
        return .literal(.bool(false))
    }
}
