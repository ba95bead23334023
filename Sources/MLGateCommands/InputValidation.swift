import Workflow

/// Checks `--input` values against a workflow's declared `workflow_dispatch` inputs.
enum InputValidation {
    static func check(_ inputs: [String: String], against workflow: Workflow, event: String) throws {
        guard let trigger = workflow.trigger(event), event == "workflow_dispatch" || event == "workflow_call" else { return }
        let declared = Dictionary(trigger.inputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in inputs.keys.sorted() where declared[name] == nil {
            let known = trigger.inputs.map(\.name)
            throw ValidationFailure("\(workflow.file): unknown input '\(name)'; the workflow declares: \(known.isEmpty ? "no inputs" : known.joined(separator: ", "))")
        }
        for input in trigger.inputs {
            let value = inputs[input.name] ?? input.defaultValue
            guard let value else {
                if input.required {
                    throw ValidationFailure("\(input.location): input '\(input.name)' is required; pass --input \(input.name)=VALUE")
                }
                continue
            }
            switch input.kind {
            case .boolean where value != "true" && value != "false":
                throw ValidationFailure("\(input.location): input '\(input.name)' is a boolean; use true or false, not '\(value)'")
            case .number where Double(value) == nil:
                throw ValidationFailure("\(input.location): input '\(input.name)' is a number; '\(value)' is not")
            case .choice where !input.options.contains(value):
                throw ValidationFailure("\(input.location): input '\(input.name)' must be one of: \(input.options.joined(separator: ", ")); got '\(value)'")
            default: break
            }
        }
    }
}
