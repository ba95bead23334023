import Foundation
import GitState

/// Remote actions and reusable workflows fetched through libgit2 from a GitHub server
/// (`GITHUB_SERVER_URL`, `--github-url`) into a cache of bare repositories, one per
/// `owner/repo` (`$XDG_CACHE_HOME/mlgate/actions/OWNER/REPO`), read at the ref without a
/// work tree. A full commit SHA that is there is never fetched again; a tag or branch is
/// fetched at most once per run. `--offline` uses only what is cached.
///
/// The cache folder is laid out like an `--action-dir`, so actions are then read from it by
/// `ActionDirectories`.
public final class ActionCache: @unchecked Sendable {
    /// The folder of bare repositories.
    public let root: String
    /// Where repositories are fetched from (`https://github.com`).
    public let serverURL: String
    /// Answers a private repository's request for credentials; never printed.
    let token: String?
    /// Only the cache is used; nothing is fetched.
    public let offline: Bool

    private let lock = NSLock()
    /// `owner/repo@ref` fetched (or found) during this run, and the failures, by the same key.
    private var settled: [String: String?] = [:]
    /// One lock per repository: two jobs needing it fetch it once.
    private var repositoryLocks: [String: NSLock] = [:]

    public init(root: String, serverURL: String, token: String?, offline: Bool) {
        self.root = root
        self.serverURL = serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL
        self.token = token
        self.offline = offline
    }

    /// The default cache folder: `$XDG_CACHE_HOME/mlgate/actions`, else `~/.cache/mlgate/actions`.
    public static func defaultRoot(environment: [String: String]) -> String {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache")
        return base + "/mlgate/actions"
    }

    /// Makes `uses` (`owner/repo[/path]@ref`) available in the cache; returns why it cannot
    /// be, or nil when it is.
    public func prepare(_ uses: String) -> String? {
        guard let reference = ActionDirectories.parse(uses) else { return "'\(uses)' is not owner/repo[/path]@ref" }
        let name = reference.owner + "/" + reference.repository
        let key = name + "@" + reference.ref
        if let known = lock.withLock({ settled[key] }) { return known }
        let repositoryLock = lock.withLock { () -> NSLock in
            if let existing = repositoryLocks[name] { return existing }
            let created = NSLock()
            repositoryLocks[name] = created
            return created
        }
        let problem: String? = repositoryLock.withLock {
            if let known = lock.withLock({ settled[key] }) { return known }
            let result = fetchIfNeeded(name: name, ref: reference.ref)
            lock.withLock { settled[key] = .some(result) }
            return result
        }
        return problem
    }

    private func fetchIfNeeded(name: String, ref: String) -> String? {
        let path = root + "/" + name
        let isNew = !FileManager.default.fileExists(atPath: path)
        let repository: Repository
        do { repository = try Repository(bareAt: path) } catch {
            return "cannot keep a cache of \(name) in \(path): \(error.message)"
        }
        // A repository that could not be fetched the first time leaves no empty cache behind.
        var keep = true
        defer { if isNew, !keep { try? FileManager.default.removeItem(atPath: path) } }
        let isCommit = ref.count == 40 && ref.allSatisfy(\.isHexDigit)
        if isCommit, repository.hasCommit(ref) { return nil }
        if offline {
            if !isCommit, (try? repository.resolveCommit(ref)) != nil { return nil }
            return "\(name)@\(ref) is not in the cache \(root) and --offline fetches nothing; run once without --offline"
        }
        let url = serverURL + "/" + name
        // The ref as a tag or a branch; a commit SHA needs the remote's refs to reach it.
        let specs = isCommit
            ? ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
            : ["+refs/tags/\(ref):refs/tags/\(ref)", "+refs/heads/\(ref):refs/heads/\(ref)"]
        do {
            // Depth 1 over git's protocol v2 (only the tree at the ref, like the runner's
            // download); the whole history through libgit2 when the server cannot.
            if try !repository.fetchShallow(from: url, ref: ref, token: token) {
                try repository.fetch(from: url, refspecs: specs, token: token)
            }
        } catch {
            // The server cannot be reached: what the cache holds of a tag or branch is used.
            if !isCommit, (try? repository.resolveCommit(ref)) != nil { return nil }
            keep = false
            return "cannot fetch \(name) from \(serverURL): \(error.message); check the network, --github-url and GITHUB_TOKEN, or pass --action-dir DIR holding \(name)"
        }
        if isCommit ? repository.hasCommit(ref) : (try? repository.resolveCommit(ref)) != nil { return nil }
        keep = false
        return "\(name) has no \(isCommit ? "commit" : "tag or branch") '\(ref)' on \(serverURL)"
    }
}
