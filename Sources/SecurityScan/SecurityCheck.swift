import Checks
import Dispatch
import Foundation
import GitState
import Workflow

/// `mlgate check security`: secrets (and, as they come, unsafe model files, workflow and
/// dependency hygiene) in one pass over what git holds, read through libgit2 — never by
/// checking files out. The result is a CheckResult of kind `security`, its findings carrying
/// fingerprints; `findings` keeps the full model for SARIF and JSON.
public struct SecurityCheck: Sendable {
    /// What to scan.
    public enum Scope: Sendable, Equatable {
        /// The tree of a commit.
        case tree(String)
        /// The working tree's files (tracked, and untracked ones not ignored).
        case worktree
        /// The blobs the commits after a revision added, up to HEAD.
        case since(String)
        /// Every blob of HEAD's history, once.
        case history
    }

    public struct Options: Sendable {
        public var name: String
        public var model: String?
        public var scope: Scope = .tree("HEAD")
        public var categories: Set<SecurityCategory> = Set(SecurityCategory.allCases)
        /// Findings at or above this fail the check; those below make it warn.
        public var failOn: Severity = .high
        public var rules: [SecretRule] = SecretRule.builtIn
        public var allowlist = SecretAllowlist()
        /// Unknown imports in model files fail (high) instead of warning (medium).
        public var strict = false
        /// Pinned requirements need `--hash=` too.
        public var requireHashes = false
        /// Accepted findings (a baseline file's): they neither fail nor warn.
        public var baseline: SecurityBaseline?
        /// Parallel readers of the object database.
        public var workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

        public init(name: String) { self.name = name }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    /// The outcome: the CheckResult, every finding (baselined ones left out), and the rules
    /// that can report (for SARIF).
    public struct Outcome: Sendable {
        public var result: CheckResult
        public var findings: [SecurityFinding]
        public var baselined: Int
        public var rules: [SecurityRuleInfo]
    }

    /// Scans the repository at `gitDirectory` (its working tree for `.worktree`).
    public func run(repository: Repository, commit: String) throws(CheckFailure) -> Outcome {
        let started = Date()
        let clock = ContinuousClock.now
        let scanners = (0..<max(1, options.workers)).map { _ in SecretScanner(rules: options.rules, allowlist: options.allowlist) }
        var findings: [SecurityFinding] = []
        var scanned = 0, bytes = 0
        if options.categories.contains(.secrets) || options.categories.contains(.models) {
            let secrets = try scanFiles(repository: repository, scanners: Scanners(scanners))
            findings += secrets.findings
            (scanned, bytes) = (secrets.files, secrets.bytes)
        }
        if options.categories.contains(.workflows) || options.categories.contains(.dependencies) {
            findings += try auditConfigurationFiles(repository: repository)
        }
        findings.sort { ($0.path, $0.line ?? 0, $0.rule) < ($1.path, $1.line ?? 0, $1.rule) }
        var baselined = 0
        if let baseline = options.baseline {
            let before = findings.count
            findings.removeAll { baseline.accepts($0) }
            baselined = before - findings.count
        }

        var measurements: [String: Double] = ["findings": Double(findings.count), "files": Double(scanned), "bytes": Double(bytes)]
        for severity in Severity.allCases { measurements[severity.rawValue] = Double(findings.filter { $0.severity == severity }.count) }
        if baselined > 0 { measurements["baselined"] = Double(baselined) }
        let failing = findings.filter { $0.severity >= options.failOn }
        let status: CheckResult.Status = !failing.isEmpty ? .fail : (findings.isEmpty ? .pass : .warn)
        let counts = Severity.allCases.reversed().compactMap { s -> String? in
            let n = findings.filter { $0.severity == s }.count
            return n > 0 ? "\(n) \(s.rawValue)" : nil
        }
        let summary = (findings.isEmpty ? "no findings" : "\(findings.count) finding\(findings.count == 1 ? "" : "s") (\(counts.joined(separator: ", ")))")
            + " in \(scanned) file\(scanned == 1 ? "" : "s")" + (baselined > 0 ? "; \(baselined) in the baseline" : "")
            + (failing.isEmpty ? "" : "; fails at \(options.failOn.rawValue) and above")
        // One rule per audit family: what the table, JUnit and the gate's reasons show.
        let perCategory = SecurityCategory.allCases.filter { options.categories.contains($0) }.map { category -> CheckResult.Rule in
            let mine = findings.filter { $0.category == category }
            let over = mine.filter { $0.severity >= options.failOn }
            let verdict: CheckResult.Status = !over.isEmpty ? .fail : (mine.isEmpty ? .pass : .warn)
            let examples = (over.isEmpty ? mine : over).prefix(3).map { "\($0.rule) at \($0.location)" }.joined(separator: "; ")
            let message = mine.isEmpty ? "\(category.rawValue): no findings"
                : "\(category.rawValue): \(over.count) at or above \(options.failOn.rawValue), \(mine.count - over.count) below; e.g. \(examples)"
            return CheckResult.Rule(rule: "\(category.rawValue): nothing at or above \(options.failOn.rawValue)", metric: "\(category.rawValue).findings",
                                    value: Double(over.count), comparison: "<=", threshold: 0, verdict: verdict, message: message)
        }
        let elapsed = ContinuousClock.now - clock
        let result = CheckResult(check: options.name, kind: .security, status: status, summary: summary, measurements: measurements,
                                 findings: findings.map(\.checkFinding), inputs: [], commit: commit, model: options.model,
                                 startedAt: Timestamp.text(started),
                                 durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                                 rules: perCategory)
        let rules = options.rules.map(\.info) + [SecretRule.privateKeyRule] + ModelFileScanner.rules + WorkflowFindings.rules + DependencyAudit.rules
        return Outcome(result: result, findings: findings, baselined: baselined, rules: rules)
    }

    /// The secrets of the scope: the files to read, read in parallel (one repository handle
    /// per worker, as libgit2 wants).
    /// Which scans a file gets: secrets (text up to `SecretScanner.largest`), models (by name).
    private func wants(_ path: String, size: Int, scanner: SecretScanner) -> (secrets: Bool, model: Bool) {
        (options.categories.contains(.secrets) && size <= SecretScanner.largest && !scanner.skips(path),
         options.categories.contains(.models) && ModelFileScanner.isModelFile(path))
    }

    /// One file's findings: its secrets and, for a model file, what loading it would run.
    private func findings(in bytes: UnsafeRawBufferPointer, path: String, commit: String?, scanner: SecretScanner) -> [SecurityFinding] {
        let (secrets, model) = wants(path, size: bytes.count, scanner: scanner)
        return (secrets ? scanner.scan(bytes, path: path, commit: commit) : [])
            + (model ? ModelFileScanner.scan(bytes, path: path, commit: commit, strict: options.strict) : [])
    }

    private func scanFiles(repository: Repository, scanners: Scanners) throws(CheckFailure) -> (findings: [SecurityFinding], files: Int, bytes: Int) {
        let scanner = scanners.all[0]
        switch options.scope {
        case .worktree:
            guard let root = repository.workdir?.path else { throw CheckFailure("--worktree needs a working tree; this repository is bare") }
            let paths: [String]
            do { paths = try repository.worktreeFiles() } catch { throw CheckFailure("cannot list the working tree: \(error.message)") }
            let work = paths.filter { path in
                let size = ((try? FileManager.default.attributesOfItem(atPath: root + "/" + path))?[.size] as? Int) ?? 0
                let wanted = wants(path, size: size, scanner: scanner)
                return wanted.secrets || wanted.model
            }
            let found = parallel(work.count) { worker, k -> ([SecurityFinding], Int) in
                guard let data = FileManager.default.contents(atPath: root + "/" + work[k]) else { return ([], 0) }
                return (data.withUnsafeBytes { findings(in: $0, path: work[k], commit: nil, scanner: scanners.all[worker]) }, data.count)
            }
            return (found.findings, work.count, found.bytes)
        case .tree(let revision):
            let blobs: [BlobSighting]
            do { blobs = try repository.blobs(at: revision) } catch { throw CheckFailure("cannot read the tree of \(revision): \(error.message)") }
            // The tree's findings are where they are, not in a commit: fingerprints stay stable
            // from one commit to the next (the result names the commit).
            return try scan(blobs, repository: repository, scanners: scanners, inCommits: false)
        case .history:
            let blobs: [BlobSighting]
            do { blobs = try repository.historyBlobs() } catch { throw CheckFailure("cannot walk the history: \(error.message)") }
            return try scan(blobs, repository: repository, scanners: scanners, inCommits: true)
        case .since(let base):
            let changed: [(blob: BlobSighting, previous: String?)]
            do { changed = try repository.changedBlobs(since: base) } catch { throw CheckFailure("cannot list the changes since \(base): \(error.message)") }
            let found = try scan(changed.map(\.blob), repository: repository, scanners: scanners, inCommits: true)
            // A secret the file held before the change is not new: only added ones count.
            var previousHashes: [String: Set<String>] = [:]
            let opened = try open(repository)
            for (blob, previous) in changed {
                guard let previous else { continue }
                let old = (try? opened.withBlob(previous) { scanner.scan($0, path: blob.path, commit: blob.commit) }) ?? []
                previousHashes[blob.sha] = Set(old.compactMap(\.secretHash))
            }
            let bySha = Dictionary(changed.map { ($0.blob.path + "\u{0}" + ($0.blob.commit ?? ""), $0.blob.sha) }, uniquingKeysWith: { a, _ in a })
            let fresh = found.findings.filter { finding in
                guard let sha = bySha[finding.path + "\u{0}" + (finding.commit ?? "")], let old = previousHashes[sha], let hash = finding.secretHash else { return true }
                return !old.contains(hash)
            }
            return (fresh, found.files, found.bytes)
        }
    }

    /// Workflows, actions and dependency files as they are in the scope: the tree's (HEAD's
    /// for the history), the working tree's, or — for `--since` — HEAD's among those changed.
    private func auditConfigurationFiles(repository: Repository) throws(CheckFailure) -> [SecurityFinding] {
        func wanted(_ path: String) -> Bool {
            (options.categories.contains(.workflows) && WorkflowFindings.isWorkflowFile(path))
                || (options.categories.contains(.dependencies) && DependencyAudit.isDependencyFile(path))
        }
        func audit(_ text: String, _ path: String) -> [SecurityFinding] {
            (WorkflowFindings.isWorkflowFile(path) && options.categories.contains(.workflows) ? WorkflowFindings.audit(text, path: path, commit: nil) : [])
                + (DependencyAudit.isDependencyFile(path) && options.categories.contains(.dependencies)
                    ? DependencyAudit.audit(text, path: path, commit: nil, requireHashes: options.requireHashes) : [])
        }
        var out: [SecurityFinding] = []
        if case .worktree = options.scope {
            guard let root = repository.workdir?.path else { return [] }
            let paths: [String]
            do { paths = try repository.worktreeFiles() } catch { throw CheckFailure("cannot list the working tree: \(error.message)") }
            for path in paths where wanted(path) {
                guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
                out += audit(String(decoding: data, as: UTF8.self), path)
            }
            return out
        }
        let revision: String
        var only: Set<String>?
        switch options.scope {
        case .tree(let rev): revision = rev
        case .since(let base):
            revision = "HEAD"
            do { only = Set(try repository.changedBlobs(since: base).map(\.blob.path)) } catch { throw CheckFailure("cannot list the changes since \(base): \(error.message)") }
        default: revision = "HEAD"
        }
        let entries: [TreeEntry]
        do { entries = try repository.files(at: revision) } catch { throw CheckFailure("cannot read the tree of \(revision): \(error.message)") }
        for entry in entries where (entry.kind == .file || entry.kind == .executable) && wanted(entry.path) && (only?.contains(entry.path) ?? true) {
            let text = (try? repository.withBlob(entry.sha) { String(decoding: $0, as: UTF8.self) }) ?? ""
            out += audit(text, entry.path)
        }
        return out
    }

    private func open(_ repository: Repository) throws(CheckFailure) -> Repository {
        do { return try Repository(discovering: repository.gitDirectory.path) } catch { throw CheckFailure("cannot open the repository: \(error.message)") }
    }

    private func scan(_ blobs: [BlobSighting], repository: Repository, scanners: Scanners, inCommits: Bool) throws(CheckFailure) -> (findings: [SecurityFinding], files: Int, bytes: Int) {
        let work = blobs.filter { blob in
            let wanted = wants(blob.path, size: blob.size, scanner: scanners.all[0])
            return wanted.secrets || wanted.model
        }
        let handles = Handles(try (0..<options.workers).map { _ throws(CheckFailure) in try open(repository) })
        let found = parallel(work.count) { worker, k -> ([SecurityFinding], Int) in
            let blob = work[k]
            let found = (try? handles.all[worker].withBlob(blob.sha) { findings(in: $0, path: blob.path, commit: inCommits ? blob.commit : nil, scanner: scanners.all[worker]) }) ?? []
            return (found, blob.size)
        }
        return (found.findings, work.count, found.bytes)
    }

    /// Runs `body(worker, item)` for items 0..<count on `options.workers` threads, items handed
    /// out one at a time; returns the findings in item order and the bytes read.
    private func parallel(_ count: Int, _ body: @Sendable (Int, Int) -> ([SecurityFinding], Int)) -> (findings: [SecurityFinding], bytes: Int) {
        let results = ResultSlots(count)
        let workers = max(1, min(options.workers, count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while let k = results.claim() { results.store(k, body(worker, k)) }
        }
        return results.merged()
    }
}

/// One secret scanner per worker (each used by its worker only).
private final class Scanners: @unchecked Sendable {
    let all: [SecretScanner]
    init(_ all: [SecretScanner]) { self.all = all }
}

/// One repository handle per worker (each used by its worker only).
private final class Handles: @unchecked Sendable {
    let all: [Repository]
    init(_ all: [Repository]) { self.all = all }
}

/// Per-item results of a parallel scan, and the next item to hand out.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [([SecurityFinding], Int)]
    private var next = 0
    private let lock = NSLock()

    init(_ count: Int) { slots = Array(repeating: ([], 0), count: count) }

    func claim() -> Int? {
        lock.withLock {
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }
    }

    func store(_ k: Int, _ value: ([SecurityFinding], Int)) { lock.withLock { slots[k] = value } }

    func merged() -> (findings: [SecurityFinding], bytes: Int) {
        (slots.flatMap(\.0), slots.reduce(0) { $0 + $1.1 })
    }
}

extension SecurityFinding {
    /// The finding as a CheckResult records it.
    var checkFinding: CheckResult.Finding {
        var finding = CheckResult.Finding(severity: severity.rawValue, rule: rule, message: message, location: location)
        finding.confidence = confidence.rawValue
        finding.commit = commit
        finding.fingerprint = fingerprint
        return finding
    }
}
