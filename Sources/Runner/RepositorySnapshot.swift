import Expressions
import Foundation
import GitState

/// The commits an event carries beyond HEAD's own: a push range or a pull request.
public struct ChangeRange: Sendable {
    /// The commit before the range (`before` of a push; the base branch's tip for a PR).
    public let baseSha: String
    /// The base branch's ref, for a pull request.
    public let baseRef: String?
    /// Where the pull request's branch left its base.
    public let mergeBase: String?
    /// The commits in the range, oldest first.
    public let commits: [CommitInfo]
    /// The files the range changes (for a PR, against the merge base).
    public let changedPaths: [String]
}

/// What the run knows about the repository, read once through libgit2.
public struct RepositorySnapshot: Sendable {
    public let root: String
    public let sha: String
    public let ref: String
    public let refName: String
    public let refType: String
    /// `owner/name`, from the origin remote when it names one.
    public let repository: String
    public let owner: String
    public let actor: String
    public let actorEmail: String
    public let dirty: Bool
    public let headCommit: CommitInfo?
    public let parentSha: String?
    public let runNumber: Int
    /// The files the last commit changed (`HEAD^..HEAD`, all files for a first commit): what
    /// a push of HEAD changes, for `paths` filters. Nil when unknown.
    public let pushedPaths: [String]?
    /// The commits a push of several commits (`--since`) or a pull request (`--base`)
    /// carries, when one was asked for.
    public var range: ChangeRange?

    /// The files the event changed: the range's, or the last commit's.
    public var changedPaths: [String]? { range?.changedPaths ?? pushedPaths }

    /// A repository that could not be read.
    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The working-tree root of the repository containing `workspace`, without reading
    /// anything else (for listing and planning).
    public static func root(of workspace: String) throws(ReadError) -> String {
        do {
            let repo = try Repository(discovering: workspace)
            guard let root = repo.workdir?.path else { throw ReadError(description: "\(workspace) is a bare repository; mlgate needs a working tree") }
            return root.hasSuffix("/") ? String(root.dropLast()) : root
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(description: "\(workspace) is not inside a git repository (\(error)); run mlgate in a repository or pass -C DIR")
        }
    }

    /// Reads the repository containing `workspace`. A snapshot for a run (`forRun`) also
    /// takes the next run number and checks whether the working tree is dirty.
    /// With `revision`, the facts are those of that revision (`--rev`): its commit, and its
    /// branch or tag when the revision names one.
    public static func read(workspace: String, forRun: Bool = true, since: String? = nil,
                            base: String? = nil, revision: String? = nil) throws(ReadError) -> RepositorySnapshot {
        let repo: Repository
        do {
            repo = try Repository(discovering: workspace)
        } catch {
            throw ReadError(description: "\(workspace) is not inside a git repository (\(error.message)); run mlgate in a repository or pass -C DIR")
        }
        do {
            var head = try repo.head()
            // The tag --rev names, when it names one: that is github.ref, not whichever tag
            // on the commit sorts first.
            var namedTag: String?
            if let revision {
                let sha = try repo.resolveCommit(revision)
                let short = revision.hasPrefix("refs/heads/") ? String(revision.dropFirst(11)) : revision
                let tag = revision.hasPrefix("refs/tags/") ? String(revision.dropFirst(10)) : revision
                if (try? repo.target(of: "refs/heads/" + short)) != nil {
                    head = .branch(ref: "refs/heads/" + short, sha: sha)
                } else if (try? repo.target(of: "refs/tags/" + tag)) != nil {
                    head = .detached(sha: sha)
                    namedTag = "refs/tags/" + tag
                } else if revision != "HEAD" {
                    head = .detached(sha: sha)
                }
            }
            let zero = String(repeating: "0", count: 40)
            var ref: String
            var sha = zero
            var refType = "branch"
            switch head {
            case .branch(let r, let s): ref = r; sha = s
            case .unborn(let r): ref = r
            case .detached(let s):
                sha = s
                if let tag = try namedTag ?? repo.tags(pointingAt: s).first {
                    ref = tag
                    refType = "tag"
                } else {
                    ref = s
                }
            }
            if ref.hasPrefix("refs/tags/") { refType = "tag" }
            let refName = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst(11))
                : ref.hasPrefix("refs/tags/") ? String(ref.dropFirst(10)) : ref
            let actor = repo.config("user.name") ?? ProcessInfo.processInfo.environment["USER"] ?? "local"
            let (fullName, owner) = Self.repositoryName(remote: repo.remoteURL("origin"),
                                                        fallbackOwner: actor, root: repo.workdir?.path ?? workspace)
            var range: ChangeRange?
            if let since {
                let before = try repo.resolveCommit(since)
                range = ChangeRange(baseSha: before, baseRef: nil, mergeBase: nil,
                                    commits: try repo.commits(from: before, to: sha),
                                    changedPaths: try Self.paths(repo.changedPaths(from: before, to: sha)))
            } else if let base {
                let baseSha = try repo.resolveCommit(base)
                let mergeBase = try repo.mergeBase(baseSha, sha)
                range = ChangeRange(baseSha: baseSha, baseRef: base.hasPrefix("refs/") ? base : "refs/heads/" + base,
                                    mergeBase: mergeBase, commits: try repo.commits(from: mergeBase, to: sha),
                                    changedPaths: try Self.paths(repo.changedPaths(from: mergeBase, to: sha)))
            }
            let commit = sha == zero ? nil : try repo.commit(sha)
            let parent = sha == zero ? nil : try repo.parents(of: sha).first
            return RepositorySnapshot(
                root: repo.workdir.map { $0.path.hasSuffix("/") ? String($0.path.dropLast()) : $0.path } ?? workspace,
                sha: sha, ref: ref, refName: refName, refType: refType,
                repository: fullName, owner: owner, actor: actor,
                actorEmail: repo.config("user.email") ?? "",
                dirty: forRun && revision == nil ? ((try? repo.isDirty()) ?? false) : false,
                headCommit: commit, parentSha: parent,
                runNumber: forRun ? repo.nextRunNumber() : 0,
                pushedPaths: sha == zero ? [] : (try? repo.changedPaths(from: parent, to: sha)).map(Self.paths),
                range: range)
        } catch {
            throw ReadError(description: "cannot read the repository at \(workspace): \(error)")
        }
    }

    /// The paths a change touches (both sides of a rename), as GitHub's filters see them.
    static func paths(_ changes: [ChangedPath]) -> [String] {
        changes.flatMap { [$0.path] + ($0.oldPath.map { [$0] } ?? []) }
    }

    /// `owner/name` from a GitHub-style remote URL, or `owner/<directory>` otherwise.
    static func repositoryName(remote: String?, fallbackOwner: String, root: String) -> (String, String) {
        if let remote {
            var path = remote
            if let range = path.range(of: "://") { path = String(path[range.upperBound...]) }
            if let colon = path.firstIndex(of: ":"), !path[..<colon].contains("/") {
                path = String(path[path.index(after: colon)...])
            } else if let slash = path.firstIndex(of: "/") {
                path = String(path[path.index(after: slash)...])
            }
            if path.hasSuffix(".git") { path = String(path.dropLast(4)) }
            let parts = path.split(separator: "/").suffix(2)
            if parts.count == 2 { return ("\(parts.first!)/\(parts.last!)", String(parts.first!)) }
        }
        let name = URL(fileURLWithPath: root).lastPathComponent
        let owner = fallbackOwner.replacingOccurrences(of: " ", with: "-")
        return ("\(owner)/\(name)", owner)
    }
}
