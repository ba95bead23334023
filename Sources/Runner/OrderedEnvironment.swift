/// Environment variables in the order they were first set; later sets replace the value.
struct OrderedEnvironment: Sendable {
    private(set) var keys: [String] = []
    private(set) var values: [String: String] = [:]

    init(_ pairs: [(String, String)] = []) {
        for (k, v) in pairs { self[k] = v }
    }

    subscript(key: String) -> String? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }

    var pairs: [(String, String)] { keys.map { ($0, values[$0]!) } }

    func merging(_ other: OrderedEnvironment) -> OrderedEnvironment {
        var result = self
        for (k, v) in other.pairs { result[k] = v }
        return result
    }
}

import Expressions
import Workflow

extension OrderedEnvironment {
    /// Sets `entries` (a workflow's, job's or step's `env`) in order, each evaluated in the
    /// context `context` gives for the environment so far. An entry without a name is a
    /// whole mapping written as one expression (`env: ${{ fromJSON(vars.ENV) }}`): its
    /// object's members are set, each value as a string.
    mutating func set(_ entries: [(String, TemplateString)], context: (OrderedEnvironment) -> EvaluationContext) throws(ExpressionError) {
        for (name, template) in entries {
            if !name.isEmpty, !name.contains("${{") {
                self[name] = try template.evaluate(in: context(self))
                continue
            }
            let current = context(self)
            if name.isEmpty || TemplateKey.isInsertDirective(name) {
                let value = try template.template.evaluate(in: current)
                guard case .object(let object) = value else {
                    throw ExpressionError(.evaluation, "'\(name.isEmpty ? "env" : name): \(template.source)' must evaluate to an object of names to values, not \(value.kindName)")
                }
                for (key, member) in object.pairs { self[key] = member.stringValue }
            } else {
                // A name written as an expression.
                for (key, value) in try TemplateKey(name).pairs(value: .string(try template.evaluate(in: current)), in: current) {
                    self[key] = value.stringValue
                }
            }
        }
    }
}
