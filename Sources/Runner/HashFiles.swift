import Crypto
import Expressions
import Foundation

/// `hashFiles(pattern, …)` with GitHub's algorithm: the SHA-256 of the concatenated SHA-256
/// digests of each matching regular file under the workspace (sorted by path), or `''`
/// when nothing matches. Patterns are globs relative to the workspace; `!` excludes.
public enum HashFiles {
    /// The hash of the files matching `patterns` under `workspace`.
    public static func hash(patterns: [String], workspace: String) throws(ExpressionError) -> String {
        let globs = patterns.flatMap { $0.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
            .map { Glob($0) }
        guard !globs.isEmpty else { return "" }
        let root = URL(fileURLWithPath: workspace).standardizedFileURL.path
        var files: [String] = []
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: root) else { return "" }
        while let relative = walker.nextObject() as? String {
            if relative == ".git" || relative.hasPrefix(".git/") {
                walker.skipDescendants()
                continue
            }
            var included = false
            for glob in globs {
                if glob.matches(relative) { included = !glob.negated }
            }
            guard included else { continue }
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(relative)
            }
        }
        guard !files.isEmpty else { return "" }
        var outer = SHA256()
        for file in files.sorted() {
            guard let data = manager.contents(atPath: root + "/" + file) else {
                throw ExpressionError(.evaluation, "hashFiles could not read '\(file)'")
            }
            outer.update(data: Data(SHA256.hash(data: data)))
        }
        return outer.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// A path glob as `@actions/glob` reads it: `*`, `?`, `[…]` within a segment, `**` across
/// segments, dot files included, a leading `!` negates. (Not `FilterPattern`: in workflow
/// filters `?` and `+` apply to the previous character, here `?` is any one character.)
struct Glob: Sendable {
    let negated: Bool
    private let regex: NSRegularExpression?

    init(_ pattern: String) {
        var p = Substring(pattern)
        negated = p.hasPrefix("!")
        if negated { p = p.dropFirst() }
        if p.hasPrefix("./") { p = p.dropFirst(2) }
        var out = "^"
        var i = p.startIndex
        while i < p.endIndex {
            let c = p[i]
            if c == "*" {
                let next = p.index(after: i)
                if next < p.endIndex, p[next] == "*" {
                    let after = p.index(after: next)
                    if after < p.endIndex, p[after] == "/" {
                        out += "(?:.*/)?"
                        i = p.index(after: after)
                    } else {
                        out += ".*"
                        i = after
                    }
                    continue
                }
                out += "[^/]*"
            } else if c == "?" {
                out += "[^/]"
            } else if c == "[", let close = p[i...].firstIndex(of: "]") {
                var cls = String(p[p.index(after: i)..<close])
                if cls.hasPrefix("!") { cls = "^" + cls.dropFirst() }
                out += "[" + cls.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                i = p.index(after: close)
                continue
            } else {
                out += NSRegularExpression.escapedPattern(for: String(c))
            }
            i = p.index(after: i)
        }
        // A pattern naming a directory matches everything below it.
        out += "(?:/.*)?$"
        regex = try? NSRegularExpression(pattern: out)
    }

    func matches(_ path: String) -> Bool {
        guard let regex else { return false }
        return regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }
}
