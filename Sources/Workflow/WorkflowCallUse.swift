import Foundation
import YAMLSource

/// actionlint's `workflow-call` checks of a job that calls a reusable workflow in this
/// repository (`uses: ./.github/workflows/x.yml`): the inputs and secrets it passes against
/// the called workflow's `on.workflow_call` (unknown ones, required ones missing), and the
/// outputs the called workflow declares, for `needs.JOB.outputs.NAME`.
enum WorkflowCallUse {
    struct Called {
        var inputs: [String: Bool] = [:]   // lower-cased name → required
        var secrets: [String: Bool] = [:]
        var outputs: Set<String> = []
        var inputNames: [String] = []
        var secretNames: [String] = []
    }

    /// The called workflow's declaration; nil when it cannot be read or has no workflow_call.
    static func called(_ uses: String, read: (String) -> String?) -> Called? {
        guard let path = ReusableWorkflowCalls.localPath(uses), let text = read(path),
              let root = try? YAMLNode.parse(text, file: path), let on = root["on"] else { return nil }
        var called = Called()
        // `on: workflow_call` or `on: [push, workflow_call]`: callable, declaring nothing.
        if on.scalar == "workflow_call" || on.items?.contains(where: { $0.scalar == "workflow_call" }) == true { return called }
        guard let call = on["workflow_call"] else { return nil }
        for (name, spec) in call["inputs"]?.entries ?? [] {
            called.inputs[name.lowercased()] = spec["required"]?.scalar == "true" && spec["default"] == nil
            called.inputNames.append(name)
        }
        for (name, spec) in call["secrets"]?.entries ?? [] {
            called.secrets[name.lowercased()] = spec["required"]?.scalar == "true"
            called.secretNames.append(name)
        }
        called.outputs = Set((call["outputs"]?.entries ?? []).map { $0.0.lowercased() })
        return called
    }

    static func check(job: YAMLNode, read: (String) -> String?, into out: inout [Diagnostic]) {
        guard let usesNode = job["uses"], let uses = usesNode.scalar, uses.hasPrefix("./") else { return }
        guard let path = ReusableWorkflowCalls.localPath(uses) else { return }
        guard read(path) != nil else {
            out.append(Diagnostic(usesNode.location, "reusable workflow \"\(uses)\" does not exist in the repository; check the path", rule: "workflow-call"))
            return
        }
        guard let called = called(uses, read: read) else {
            out.append(Diagnostic(usesNode.location, "\"\(uses)\" is not a reusable workflow: it has no on.workflow_call", rule: "workflow-call"))
            return
        }
        let with = job["with"]?.keyNodes ?? []
        let given = Set(with.map { $0.1.lowercased() })
        for name in called.inputNames where called.inputs[name.lowercased()] == true && !given.contains(name.lowercased()) {
            out.append(Diagnostic(usesNode.location, "input \"\(name)\" is required by \"\(uses)\" reusable workflow", rule: "workflow-call"))
        }
        let secretsNode = job["secrets"]
        if secretsNode?.scalar != "inherit" {
            let passed = Set((secretsNode?.keyNodes ?? []).map { $0.1.lowercased() })
            for name in called.secretNames where called.secrets[name.lowercased()] == true && !passed.contains(name.lowercased()) {
                out.append(Diagnostic(usesNode.location, "secret \"\(name)\" is required by \"\(uses)\" reusable workflow", rule: "workflow-call"))
            }
        }
        for (node, name) in with where called.inputs[name.lowercased()] == nil {
            out.append(Diagnostic(node.location, "input \"\(name)\" is not defined in \"\(uses)\" reusable workflow; defined inputs are \(WorkflowActionUse.quoted(called.inputNames.sorted()))",
                                  rule: "workflow-call"))
        }
        if secretsNode?.scalar != "inherit" {
            for (node, name) in secretsNode?.keyNodes ?? [] where called.secrets[name.lowercased()] == nil {
                out.append(Diagnostic(node.location, "secret \"\(name)\" is not defined in \"\(uses)\" reusable workflow; defined secrets are \(WorkflowActionUse.quoted(called.secretNames.sorted()))",
                                      rule: "workflow-call"))
            }
        }
    }
}
