internal import CLibGit2
import Foundation

extension Repository {
    /// Writes the tree of `revision` into `directory` (created if needed), as a fresh
    /// workspace: the repository's own working tree and index are not touched.
    public func materialize(_ revision: String, into directory: String) throws(GitError) {
        let tree = try lookupTree(revision)
        defer { git_tree_free(tree) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GitError(operation: "create \(directory)", message: "\(error)", code: -1)
        }
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
            | GIT_CHECKOUT_RECREATE_MISSING.rawValue
        let code = directory.withCString { path -> Int32 in
            options.target_directory = path
            return git_checkout_tree(pointer, tree, &options)
        }
        try LibGit2.check(code, "write the tree of \(revision) into \(directory)")
    }
}
