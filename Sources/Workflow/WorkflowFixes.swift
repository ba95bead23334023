import Foundation
import YAMLSource

/// `mlgate lint --fix`: the mechanical repairs, made on the text so that everything else
/// (comments, quoting, layout) stays as written. A popular action on a major whose runtime
/// GitHub no longer runs moves to the newest major mlgate knows the inputs of; a workflow
/// command GitHub disabled (`::set-output`, `::save-state`, `::set-env`, `::add-path`)
/// echoed on a line of its own becomes the environment file that replaced it.
public enum WorkflowFixes {
    /// The fixed text and how many repairs it holds.
    public static func fix(_ text: String, root: YAMLNode?) -> (text: String, repairs: Int) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var repairs = 0
        if let root { repairs += fixMajors(root, lines: &lines) }
        for index in lines.indices {
            if let fixed = fixCommand(lines[index]) {
                lines[index] = fixed
                repairs += 1
            }
        }
        return (lines.joined(separator: "\n"), repairs)
    }

    /// Every `uses:` of a popular action on an outdated major, moved to its newest major.
    static func fixMajors(_ root: YAMLNode, lines: inout [String]) -> Int {
        var repairs = 0
        var nodes: [YAMLNode] = []
        for (_, job) in root["jobs"]?.entries ?? [] { nodes += (job["steps"]?.items ?? []).compactMap { $0["uses"] } }
        nodes += (root["runs"]?["steps"]?.items ?? []).compactMap { $0["uses"] }  // a composite action's steps
        for node in nodes {
            guard let uses = node.scalar, let replacement = newestMajor(uses),
                  lines.indices.contains(node.location.line - 1) else { continue }
            let line = lines[node.location.line - 1]
            let from = line.index(line.startIndex, offsetBy: min(max(0, node.location.column - 1), line.count))
            guard let range = line.range(of: uses, range: from..<line.endIndex) else { continue }
            lines[node.location.line - 1] = line.replacingCharacters(in: range, with: replacement)
            repairs += 1
        }
        return repairs
    }

    /// `owner/repo@vN…` moved to the newest known major, when N is outdated.
    static func newestMajor(_ uses: String) -> String? {
        guard let at = uses.lastIndex(of: "@") else { return nil }
        let name = uses[..<at]
        let ref = uses[uses.index(after: at)...]
        guard ref.hasPrefix("v"), let major = Int(ref.dropFirst().prefix { $0.isNumber }),
              let entry = PopularActions.known[name.lowercased()], entry.outdated.contains(major),
              let newest = entry.current.keys.max() else { return nil }
        return "\(name)@v\(newest)"
    }

    /// The disabled workflow commands and the environment file each became.
    static let commands: [(name: String, file: String)] = [
        ("set-output", "GITHUB_OUTPUT"), ("save-state", "GITHUB_STATE"), ("set-env", "GITHUB_ENV"),
    ]

    /// `echo "::set-output name=N::V"` (alone on its line, maybe after `run:`) as
    /// `echo "N=V" >> "$GITHUB_OUTPUT"`, keeping the quotes it had; nil when the line is not
    /// one such command.
    static func fixCommand(_ line: String) -> String? {
        guard line.has("::") else { return nil }
        for (name, file) in commands {
            let pattern = #"^(\s*(?:-\s+)?(?:run:\s+)?)echo\s+(["']?)::"# + name + #"\s+name=([A-Za-z0-9_.-]+)::(.*?)\2\s*$"#
            if let groups = match(pattern, line) {
                let (prefix, quote, key, value) = (groups[0], groups[1], groups[2], groups[3])
                return "\(prefix)echo \(quote)\(key)=\(value)\(quote) >> \"$\(file)\""
            }
        }
        if let groups = match(#"^(\s*(?:-\s+)?(?:run:\s+)?)echo\s+(["']?)::add-path::(.*?)\2\s*$"#, line) {
            return "\(groups[0])echo \(groups[1])\(groups[2])\(groups[1]) >> \"$GITHUB_PATH\""
        }
        return nil
    }

    private static func match(_ pattern: String, _ line: String) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let found = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return nil }
        return (1..<found.numberOfRanges).map { i in
            Range(found.range(at: i), in: line).map { String(line[$0]) } ?? ""
        }
    }

    /// A unified diff (`diff -u`) of two versions of a file with the same number of lines,
    /// three lines of context around each change; "" when they are equal.
    public static func diff(_ old: String, _ new: String, path: String) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false)
        guard a.count == b.count else { return "" }
        let changed = a.indices.filter { a[$0] != b[$0] }
        guard !changed.isEmpty else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - 3)...min(a.count - 1, index + 3)
            if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...range.upperBound
            } else {
                hunks.append(range)
            }
        }
        for hunk in hunks {
            out += "@@ -\(hunk.lowerBound + 1),\(hunk.count) +\(hunk.lowerBound + 1),\(hunk.count) @@\n"
            for index in hunk {
                if a[index] == b[index] {
                    out += " \(a[index])\n"
                } else {
                    out += "-\(a[index])\n+\(b[index])\n"
                }
            }
        }
        return out
    }
}
