internal import CLibGit2

extension Repository {
    /// The commits reachable from `head` but not from `base` (`git log base..head`), oldest
    /// first, as a push payload lists them. `base == nil` walks all of `head`'s history.
    public func commits(from base: String?, to head: String, limit: Int = 1000) throws(GitError) -> [CommitInfo] {
        var result: [CommitInfo] = []
        for sha in try commitShas(from: head, hiding: base, limit: limit) { result.append(try commit(sha)) }
        return result
    }

    /// The ids of the newest `limit` commits reachable from `head` but not from `base`,
    /// oldest first (parents before children).
    func commitShas(from head: String, hiding base: String?, limit: Int) throws(GitError) -> [String] {
        var walk: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walk, pointer), "walk the history")
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        var headId = try oid(of: head)
        try LibGit2.check(git_revwalk_push(walk, &headId), "walk from \(head)")
        if let base {
            var baseId = try oid(of: base)
            try LibGit2.check(git_revwalk_hide(walk, &baseId), "stop the walk at \(base)")
        }
        var shas: [String] = []
        var next = git_oid()
        while shas.count < limit, git_revwalk_next(&next, walk) == 0 {
            shas.append(Self.hex(&next))
        }
        return shas.reversed()
    }
}
