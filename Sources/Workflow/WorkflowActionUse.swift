import Foundation
import YAMLSource

/// actionlint's `action` rule: the inputs given to an action against what it declares — a
/// local `./action` by its action.yml in the repository, a popular action by mlgate's data
/// (`PopularActions`) — unknown inputs, required ones missing, deprecated ones used, majors
/// whose runtime GitHub no longer runs; and the outputs a local action declares, for the
/// expression checks (`steps.ID.outputs.NAME`).
public enum WorkflowActionUse {
    /// A local action's metadata as the checks need it.
    struct LocalAction {
        let name: String
        let hasDescription: Bool
        var inputs: [String: (required: Bool, deprecation: String?)] = [:]
        /// The inputs' names as the action writes them.
        var inputNames: [String] = []
        var outputs: Set<String> = []
    }

    /// How a problem of a local action's own metadata begins: it is the action's, not the
    /// step's, so a lint reports it once, at the first use (as actionlint does).
    public static let metadataProblem = "description is required in metadata of "

    /// Reads `path`'s action.yml (or .yaml) through `read` (paths relative to the repository).
    static func local(_ path: String, read: (String) -> String?) -> LocalAction? {
        let folder = String(path.dropFirst(2)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        for name in ["action.yml", "action.yaml"] {
            let file = folder.isEmpty ? name : folder + "/" + name
            guard let text = read(file), let root = try? YAMLNode.parse(text, file: file) else { continue }
            var action = LocalAction(name: root["name"]?.scalar ?? path, hasDescription: root["description"]?.scalar?.isEmpty == false)
            for (input, spec) in root["inputs"]?.entries ?? [] {
                let required = spec["required"]?.scalar == "true" && spec["default"] == nil
                action.inputs[input.lowercased()] = (required, spec["deprecationMessage"]?.scalar)
                action.inputNames.append(input)
            }
            action.outputs = Set((root["outputs"]?.entries ?? []).map { $0.0.lowercased() })
            return action
        }
        return nil
    }

    /// Findings for one step's `uses:` and `with:`; the local action read, if any.
    @discardableResult
    static func check(step: YAMLNode, read: ((String) -> String?)?, into out: inout [Diagnostic]) -> LocalAction? {
        guard let usesNode = step["uses"], let uses = usesNode.scalar, !uses.has("${{") else { return nil }
        let withKeys = step["with"]?.keyNodes ?? []
        let given = Set(withKeys.map { $0.1.lowercased() })
        if uses.hasPrefix("./") {
            guard let read else { return nil }
            guard let action = local(uses, read: read) else {
                // A step may create it (a checkout of another repository or branch), as
                // actionlint assumes: a warning.
                out.append(Diagnostic(usesNode.location, "local action \"\(uses)\" has no action.yml or action.yaml in the repository; check the path, "
                                      + "unless an earlier step checks it out", rule: "repository", severity: .warning))
                return nil
            }
            if !action.hasDescription {
                out.append(Diagnostic(usesNode.location, metadataProblem + "\"\(action.name)\" action at \"\(uses)\"", rule: "action"))
            }
            let required = action.inputNames.filter { action.inputs[$0.lowercased()]?.required == true }.sorted()
            for name in required where !given.contains(name.lowercased()) {
                out.append(Diagnostic(usesNode.location, "missing input \"\(name)\" which is required by action \"\(action.name)\" defined at \"\(uses)\"; all required inputs are \(quoted(required))",
                                      rule: "action"))
            }
            for (keyNode, key) in withKeys {
                if let input = action.inputs[key.lowercased()] {
                    if let deprecation = input.deprecation {
                        out.append(Diagnostic(keyNode.location, "avoid using deprecated input \"\(key)\" in action \"\(action.name)\" defined at \"\(uses)\": \(deprecation)", rule: "action"))
                    }
                } else {
                    out.append(Diagnostic(keyNode.location, "input \"\(key)\" is not defined in action \"\(action.name)\" defined at \"\(uses)\"; available inputs are \(quoted(action.inputNames.sorted()))",
                                          rule: "action"))
                }
            }
            return action
        }
        // owner/repo[/path]@ref
        guard let at = uses.lastIndex(of: "@") else { return nil }
        let parts = uses[..<at].split(separator: "/")
        let ref = uses[uses.index(after: at)...]
        guard parts.count >= 2, ref.hasPrefix("v"), let major = Int(ref.dropFirst().prefix { $0.isNumber }) else { return nil }
        if let outdated = PopularActions.outdatedOnly[uses[..<at].lowercased()], outdated.contains(major) {
            out.append(Diagnostic(usesNode.location, "the runner of \"\(uses)\" action is too old to run on GitHub Actions; update it to \(uses[..<at])@v\((outdated.max() ?? major) + 1) or later",
                                  rule: "action"))
            return nil
        }
        guard let entry = PopularActions.known["\(parts[0])/\(parts[1])".lowercased()] else { return nil }
        if entry.outdated.contains(major) {
            out.append(Diagnostic(usesNode.location, "the runner of \"\(uses)\" action is too old to run on GitHub Actions; update it to \(parts[0])/\(parts[1])@v\(entry.current.keys.max() ?? major + 1)",
                                  rule: "action"))
            return nil
        }
        guard parts.count == 2, let metadata = entry.current[major] else { return nil }
        for name in metadata.required.sorted() where !given.contains(name.lowercased()) {
            out.append(Diagnostic(usesNode.location, "missing input \"\(name)\" which is required by action \"\(uses)\"; all required inputs are \(quoted(metadata.required.sorted()))",
                                  rule: "action"))
        }
        let known = Set(metadata.inputs.map { $0.lowercased() })
        for (keyNode, key) in withKeys {
            if !known.contains(key.lowercased()) {
                out.append(Diagnostic(keyNode.location, "input \"\(key)\" is not defined in action \"\(uses)\"; available inputs are \(quoted(metadata.inputs.sorted()))", rule: "action"))
            } else if let deprecation = metadata.deprecated.first(where: { $0.key.lowercased() == key.lowercased() })?.value {
                out.append(Diagnostic(keyNode.location, "avoid using deprecated input \"\(key)\" in action \"\(uses)\": \(deprecation)", rule: "action"))
            }
        }
        return nil
    }

    static func quoted(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
}
