import YAMLSource

/// What only a linter that knows the repository can see (warnings, rule `repository`): the
/// files as committed at HEAD against what the workflow names — `paths` filters that match
/// no file, `hashFiles` patterns that match nothing, local actions and reusable workflows
/// that are in the working tree but not committed.
public enum WorkflowRepositoryChecks {
    /// The files of a commit, by path from the repository's root.
    public struct Files: Sendable {
        public let paths: [String]
        let set: Set<String>

        public init(_ paths: [String]) {
            self.paths = paths
            set = Set(paths)
        }

        func contains(_ path: String) -> Bool { set.contains(path) }

        /// Whether any file matches the filter pattern (its `!` ignored).
        func anyMatches(_ pattern: FilterPattern) -> Bool { paths.contains(where: pattern.matches) }
    }

    /// Whether a workflow's text names anything these checks read (so a caller lists the
    /// files only when some workflow needs them).
    public static func needsFiles(_ text: String) -> Bool {
        text.has("paths") || WorkflowDefinitions.mentions(text, ["hashfiles"]) || text.has("./")
    }

    /// The warnings for one workflow. `read` gives a working-tree file's text (nil when it
    /// is not there).
    public static func check(_ root: YAMLNode, files: Files, read: ((String) -> String?)? = nil) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for event in ["push", "pull_request", "pull_request_target"] {
            for key in ["paths", "paths-ignore"] {
                for node in root["on"]?[event]?[key]?.items ?? [] {
                    guard let text = node.scalar, !text.has("${{"), let pattern = try? FilterPattern(text), !files.anyMatches(pattern) else { continue }
                    out.append(Diagnostic(node.location, "\(key) filter '\(text)' of '\(event)' matches no file in the repository at HEAD: "
                                          + (key == "paths" ? "it never triggers the workflow by itself" : "it excludes nothing")
                                          + "; check the pattern (paths are from the repository's root)", rule: "repository", severity: .warning))
                }
            }
        }
        for (_, job) in root["jobs"]?.entries ?? [] {
            if let uses = job["uses"], let path = uses.scalar, path.hasPrefix("./") {
                let file = String(path.dropFirst(2))
                if !files.contains(file), read?(file) != nil {
                    out.append(Diagnostic(uses.location, "reusable workflow \"\(path)\" is in the working tree but not committed at HEAD: a run of this commit cannot find it; commit it",
                                          rule: "repository", severity: .warning))
                }
            }
            for step in job["steps"]?.items ?? [] {
                guard let uses = step["uses"], let path = uses.scalar, path.hasPrefix("./") else { continue }
                let folder = String(path.dropFirst(2)).split(separator: "/").joined(separator: "/")
                let names = ["action.yml", "action.yaml"].map { folder.isEmpty ? $0 : folder + "/" + $0 }
                if !names.contains(where: files.contains), names.contains(where: { read?($0) != nil }) {
                    out.append(Diagnostic(uses.location, "local action \"\(path)\" is in the working tree but not committed at HEAD: a run of this commit cannot find it; commit it",
                                          rule: "repository", severity: .warning))
                }
            }
        }
        hashFilesPatterns(root, files: files, into: &out)
        return out
    }

    /// `hashFiles('a', 'b')` whose literal patterns match no file: it returns '' and the
    /// key it is part of never changes.
    static func hashFilesPatterns(_ node: YAMLNode, files: Files, into out: inout [Diagnostic]) {
        switch node.content {
        case .scalar(let text, _):
            guard WorkflowDefinitions.mentions(text, ["hashfiles("]) else { return }
            for patterns in hashFilesArguments(text) {
                // Patterns are read from the workspace: `./x` is `x`.
                let compiled = patterns.compactMap { pattern -> FilterPattern? in
                    let negated = pattern.hasPrefix("!")
                    var body = negated ? String(pattern.dropFirst()) : pattern
                    while body.hasPrefix("./") { body = String(body.dropFirst(2)) }
                    return try? FilterPattern((negated ? "!" : "") + body)
                }
                guard compiled.count == patterns.count, !compiled.isEmpty else { continue }
                let included = compiled.filter { !$0.isNegated }
                guard !included.isEmpty, !files.paths.contains(where: { FilterPattern.evaluate(compiled, $0) }) else { continue }
                let listed = patterns.map { "'\($0)'" }.joined(separator: ", ")
                out.append(Diagnostic(node.location, "hashFiles(\(listed)) matches no file in the repository at HEAD: it gives '' and the value it is part of never changes; "
                                      + "check the pattern (paths are from the workspace, the repository's root)", rule: "repository", severity: .warning))
            }
        case .sequence(let items):
            for item in items { hashFilesPatterns(item, files: files, into: &out) }
        case .mapping(let entries):
            for (_, value) in entries { hashFilesPatterns(value, files: files, into: &out) }
        }
    }

    /// The literal arguments of each `hashFiles(…)` call in `text` whose arguments are all
    /// string literals.
    static func hashFilesArguments(_ text: String) -> [[String]] {
        var calls: [[String]] = []
        let characters = Array(text)
        let name = Array("hashfiles(")
        var i = 0
        while i + name.count <= characters.count {
            guard characters[i..<(i + name.count)].map({ Character($0.lowercased()) }) == name else { i += 1; continue }
            var j = i + name.count
            var arguments: [String] = []
            var literal = true
            while j < characters.count {
                while j < characters.count, characters[j] == " " { j += 1 }
                guard j < characters.count, characters[j] == "'" else { literal = false; break }
                var value = ""
                j += 1
                while j < characters.count {
                    if characters[j] == "'" {
                        if j + 1 < characters.count, characters[j + 1] == "'" { value.append("'"); j += 2; continue }
                        break
                    }
                    value.append(characters[j])
                    j += 1
                }
                j += 1
                arguments.append(value)
                while j < characters.count, characters[j] == " " { j += 1 }
                if j < characters.count, characters[j] == "," { j += 1; continue }
                break
            }
            if literal, j < characters.count, characters[j] == ")", !arguments.isEmpty { calls.append(arguments) }
            i += name.count
        }
        return calls
    }
}
