import Crypto
import Foundation

/// What the secret scan leaves alone.
public struct SecretAllowlist: Sendable {
    /// Regular expressions on paths: matching files are not scanned.
    public var paths: [String] = []
    /// Regular expressions on the secret's value: matching values are not findings.
    public var regexes: [String] = []
    /// Findings accepted by fingerprint (`commit:path:rule:line`).
    public var fingerprints: Set<String> = []

    public init(paths: [String] = [], regexes: [String] = [], fingerprints: Set<String> = []) {
        (self.paths, self.regexes, self.fingerprints) = (paths, regexes, fingerprints)
    }

    /// Lock files and vendored bundles: hashes and ids that look like secrets, never secrets.
    public static let defaultPaths = [
        #"(^|/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|uv\.lock|Cargo\.lock|go\.sum|composer\.lock|Gemfile\.lock|conda-lock\.yml)$"#,
        #"\.min\.(js|css)$"#, #"(^|/)\.git/"#,
    ]
}

/// Finds secrets in a file's bytes: the keywords of every rule in one pass
/// (`KeywordAutomaton`), then each rule's regex on the lines that hold its keywords, then the
/// entropy, placeholder and allowlist filters. Findings carry a redacted secret only.
/// Swift's `Regex` is not Sendable: a scanner compiles its own copies of the rules, and is
/// used by one thread at a time (a parallel scan makes one per worker).
public final class SecretScanner: @unchecked Sendable {
    public let rules: [SecretRule]
    private let automaton: KeywordAutomaton
    /// For each keyword: the rules it triggers (`-1`: the private-key check).
    private let keywordRules: [[Int]]
    /// Rules with no keyword: tried on every line.
    private let everyLine: [Int]
    private let allowPaths: [Regex<AnyRegexOutput>]
    private let allowValues: [Regex<AnyRegexOutput>]
    private let allowFingerprints: Set<String>
    /// Files larger than this are not scanned for secrets (data dumps, not code).
    public static let largest = 32 << 20
    /// Lines longer than this are scanned in a window around each keyword.
    static let window = 2048

    /// Words that mark a value as a placeholder, not a secret (for the generic rules).
    static let placeholders = ["example", "xxxx", "changeme", "change_me", "placeholder", "your_", "your-", "<", "${", "{{", "dummy",
                               "redacted", "****", "insert", "replace", "todo", "fixme", "lorem", "abcdef", "123456"]

    public init(rules: [SecretRule] = SecretRule.builtIn, allowlist: SecretAllowlist = SecretAllowlist()) {
        self.rules = rules.compactMap { $0.compiledAgain() }
        var words: [String] = []
        var triggers: [[Int]] = []
        for (index, rule) in rules.enumerated() {
            for keyword in rule.keywords {
                if let existing = words.firstIndex(of: keyword) { triggers[existing].append(index) } else {
                    words.append(keyword)
                    triggers.append([index])
                }
            }
        }
        words.append("private key")
        triggers.append([-1])
        automaton = KeywordAutomaton(words)
        keywordRules = triggers
        everyLine = rules.indices.filter { rules[$0].keywords.isEmpty }
        allowPaths = (SecretAllowlist.defaultPaths + allowlist.paths).compactMap { try? Regex($0) }
        allowValues = allowlist.regexes.compactMap { try? Regex($0) }
        allowFingerprints = allowlist.fingerprints
    }

    /// Whether `path` is left alone (allowlisted, or a lock file).
    public func skips(_ path: String) -> Bool {
        allowPaths.contains { (try? $0.firstMatch(in: path)) != nil }
    }

    /// The secrets in one file. Binary files (a NUL in the first 8,000 bytes, as git decides)
    /// and files over `largest` are skipped.
    public func scan(_ bytes: UnsafeRawBufferPointer, path: String, commit: String?) -> [SecurityFinding] {
        guard bytes.count > 0, bytes.count <= Self.largest, !skips(path), !Self.isBinary(bytes) else { return [] }
        // Lines (by their start) to try, and the rules for each.
        var candidates: [Int: (end: Int, rules: Set<Int>, hits: [Int])] = [:]
        func lineBounds(around offset: Int) -> (Int, Int) {
            var start = min(offset, bytes.count)
            while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
            var end = min(offset, bytes.count)
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            return (start, end)
        }
        automaton.search(bytes) { keyword, end in
            let (start, lineEnd) = lineBounds(around: end - 1)
            var entry = candidates[start] ?? (lineEnd, [], [])
            for rule in keywordRules[keyword] { entry.rules.insert(rule) }
            entry.hits.append(end)
            candidates[start] = entry
        }
        if !everyLine.isEmpty {
            var start = 0
            while start < bytes.count {
                let (_, end) = lineBounds(around: start)
                var entry = candidates[start] ?? (end, [], [])
                for rule in everyLine { entry.rules.insert(rule) }
                entry.hits.append(start)
                candidates[start] = entry
                start = end + 1
            }
        }
        guard !candidates.isEmpty else { return [] }
        let isNotebook = path.hasSuffix(".ipynb")
        var findings: [SecurityFinding] = []
        var lineNumber = 1, counted = 0
        for start in candidates.keys.sorted() {
            let entry = candidates[start]!
            for k in counted..<start where bytes[k] == 0x0A { lineNumber += 1 }
            counted = start
            // Windows of the line to try: the whole line, or around each keyword on a long one.
            var windows: [(Int, Int)] = []
            if entry.end - start <= Self.window {
                windows = [(start, entry.end)]
            } else {
                for hit in entry.hits.sorted() {
                    let from = max(start, hit - Self.window / 2), to = min(entry.end, hit + Self.window / 2)
                    if let last = windows.last, from <= last.1 { windows[windows.count - 1].1 = to } else { windows.append((from, to)) }
                }
            }
            for (from, to) in windows {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
                // A notebook's images are base64 payloads, not text anyone wrote.
                if isNotebook, text.contains("\"image/") { continue }
                let allowedInline = text.contains("mlgate:allow") || text.contains("gitleaks:allow") || text.contains("pragma: allowlist secret")
                var lineFindings: [(finding: SecurityFinding, range: Range<Int>, generic: Bool)] = []
                for rule in entry.rules.sorted() {
                    if rule < 0 {
                        if let finding = privateKey(in: bytes, lineStart: from, lineEnd: to, line: lineNumber, path: path, commit: commit) {
                            lineFindings.append((finding, 0..<0, false))
                        }
                        continue
                    }
                    lineFindings += matches(of: rules[rule], in: text, line: lineNumber, path: path, commit: commit)
                }
                guard !allowedInline else { continue }
                // A generic match on a value a specific rule already reported is the same finding.
                for item in lineFindings {
                    if item.generic, lineFindings.contains(where: { !$0.generic && $0.range.overlaps(item.range) }) { continue }
                    guard !allowFingerprints.contains(item.finding.fingerprint) else { continue }
                    findings.append(item.finding)
                }
            }
        }
        return findings
    }

    /// Every match of `rule` on one line that passes the entropy and placeholder filters.
    private func matches(of rule: SecretRule, in text: String, line: Int, path: String, commit: String?) -> [(finding: SecurityFinding, range: Range<Int>, generic: Bool)] {
        guard rule.applies(to: path) else { return [] }
        var out: [(SecurityFinding, Range<Int>, Bool)] = []
        for match in text.matches(of: rule.regex) {
            let group = rule.secretGroup < match.output.count ? rule.secretGroup : 0
            guard let range = match.output[group].range else { continue }
            let secret = String(text[range])
            if let minimum = rule.entropy, Self.entropy(of: secret) < minimum { continue }
            if !rule.showsPrefix {
                let lower = secret.lowercased()
                if Self.placeholders.contains(where: { lower.contains($0) }) { continue }
                if Set(secret).count < 4 { continue }
            }
            if allowValues.contains(where: { (try? $0.firstMatch(in: secret)) != nil }) { continue }
            let column = text.utf16.distance(from: text.startIndex, to: range.lowerBound) + 1
            let shown = Self.redact(secret, showingPrefix: rule.showsPrefix)
            let finding = SecurityFinding(rule: "secret/" + rule.id, category: .secrets, severity: rule.severity,
                                          confidence: rule.entropy == nil || rule.generic ? .medium : .high,
                                          message: "\(rule.description) \(shown)", path: path, line: line, column: column, commit: commit,
                                          secretHash: Self.secretHash(rule: rule.id, path: path, secret: secret))
            let offset = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
            out.append((finding, offset..<(offset + secret.utf8.count), rule.generic))
        }
        return out
    }

    /// A PEM or OpenSSH private key: a BEGIN line, a body, and its END within 64 KB.
    private func privateKey(in bytes: UnsafeRawBufferPointer, lineStart: Int, lineEnd: Int, line: Int, path: String, commit: String?) -> SecurityFinding? {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self)
        guard let begin = text.firstMatch(of: pemBegin) else { return nil }
        let after = lineStart + text.utf8.distance(from: text.startIndex, to: begin.range.upperBound)
        let limit = min(bytes.count, after + 65_536)
        let rest = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[after..<limit]), as: UTF8.self)
        guard let end = rest.firstMatch(of: pemEnd) else { return nil }
        // At least one line's worth of base64 between the markers: a header alone is documentation.
        let body = rest[rest.startIndex..<end.range.lowerBound].filter { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" }
        guard body.count >= 64 else { return nil }
        let column = text.utf16.distance(from: text.startIndex, to: begin.range.lowerBound) + 1
        return SecurityFinding(rule: "secret/private-key", category: .secrets, severity: .critical, confidence: .high,
                               message: "Private key (\(text[begin.range].trimmingCharacters(in: CharacterSet(charactersIn: "-"))))",
                               path: path, line: line, column: column, commit: commit,
                               secretHash: Self.secretHash(rule: "private-key", path: path, secret: String(body.prefix(256))))
    }

    private let pemBegin = /-----BEGIN[ A-Z0-9_]{0,100}PRIVATE KEY(?: BLOCK)?-----/
    private let pemEnd = /-----END[ A-Z0-9_]{0,100}PRIVATE KEY(?: BLOCK)?-----/

    /// Whether the first 8,000 bytes hold a NUL, as git decides a file is binary.
    static func isBinary(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = min(bytes.count, 8000)
        guard n > 0 else { return false }
        return memchr(bytes.baseAddress!, 0, n) != nil
    }

    /// Shannon entropy in bits per character.
    public static func entropy(of text: String) -> Double {
        var counts: [UInt8: Int] = [:]
        for byte in text.utf8 { counts[byte, default: 0] += 1 }
        let n = Double(text.utf8.count)
        guard n > 0 else { return 0 }
        return counts.values.reduce(0) { acc, c in
            let p = Double(c) / n
            return acc - p * log2(p)
        }
    }

    /// The secret as findings show it: at most its first four characters where the rule's
    /// prefix is the provider's, never the rest.
    public static func redact(_ secret: String, showingPrefix: Bool) -> String {
        let shown = showingPrefix ? String(secret.prefix(min(4, secret.count / 4))) : ""
        return "\(shown)…(\(secret.count) characters, redacted)"
    }

    static func secretHash(rule: String, path: String, secret: String) -> String {
        SHA256.hash(data: Data("\(rule)\u{0}\(path)\u{0}\(secret)".utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
