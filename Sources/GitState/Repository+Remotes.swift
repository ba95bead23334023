internal import CLibGit2
import Foundation

extension Repository {
    /// Fetches `refspecs` from `remote` (a remote's name, or a URL or path). A `token`
    /// answers an HTTPS server's request for credentials (as GitHub's `x-access-token`); it
    /// is never part of the URL, so no message can show it.
    public func fetch(from remote: String, refspecs: [String], token: String? = nil) throws(GitError) {
        let handle = try openRemote(remote)
        defer { git_remote_free(handle) }
        var options = git_fetch_options()
        try LibGit2.check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "prepare a fetch")
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        final class Credentials { let token: String; var tries = 0; init(_ token: String) { self.token = token } }
        let credentials = token.map(Credentials.init)
        if credentials != nil {
            options.callbacks.credentials = { out, _, _, allowed, payload in
                guard let out, let payload, allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else { return -30 }  // GIT_PASSTHROUGH
                let credentials = Unmanaged<Credentials>.fromOpaque(payload).takeUnretainedValue()
                credentials.tries += 1
                guard credentials.tries <= 1 else { return -1 }  // refused once: do not ask again
                return git_credential_userpass_plaintext_new(out, "x-access-token", credentials.token)
            }
        }
        let code = withExtendedLifetime(credentials) {
            options.callbacks.payload = credentials.map { Unmanaged.passUnretained($0).toOpaque() }
            return withStringArray(refspecs) { specs in git_remote_fetch(handle, specs, &options, "mlgate: fetch") }
        }
        try LibGit2.check(code, "fetch from \(remote)")
    }

    /// Pushes `refspecs` to `remote`. Returns, per remote ref, why it was refused (refs that
    /// were updated are absent). A refused ref is left as it was on the remote.
    public func push(to remote: String, refspecs: [String]) throws(GitError) -> [String: String] {
        guard !refspecs.isEmpty else { return [:] }
        let handle = try openRemote(remote)
        defer { git_remote_free(handle) }
        final class Refusals { var byRef: [String: String] = [:] }
        let refusals = Refusals()
        var options = git_push_options()
        try LibGit2.check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "prepare a push")
        options.callbacks.push_update_reference = { name, status, payload in
            guard let name, let status, let payload else { return 0 }
            Unmanaged<Refusals>.fromOpaque(payload).takeUnretainedValue().byRef[String(cString: name)] = String(cString: status)
            return 0
        }
        let code = withExtendedLifetime(refusals) {
            options.callbacks.payload = Unmanaged.passUnretained(refusals).toOpaque()
            return withStringArray(refspecs) { specs in git_remote_push(handle, specs, &options) }
        }
        try LibGit2.check(code, "push to \(remote)")
        return refusals.byRef
    }

    /// All references under `prefix` (`refs/tags/`) with the ids they hold (unpeeled).
    public func referenceTargets(under prefix: String) throws(GitError) -> [String: String] {
        Dictionary(try referenceEntries(under: prefix).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
    }

    /// Deletes `reference` if it still holds `expected`.
    public func deleteReference(_ reference: String, expecting expected: String) throws(GitError) {
        var ref: OpaquePointer?
        try LibGit2.check(git_reference_lookup(&ref, pointer, reference), "read reference \(reference)")
        defer { git_reference_free(ref) }
        guard let id = git_reference_target(ref), Self.hex(id) == expected else {
            throw GitError(operation: "delete \(reference)", message: "it no longer holds \(expected.prefix(7))", code: -15)
        }
        try LibGit2.check(git_reference_delete(ref), "delete \(reference)")
    }

    private func openRemote(_ remote: String) throws(GitError) -> OpaquePointer {
        var handle: OpaquePointer?
        if git_remote_lookup(&handle, pointer, remote) == 0, let handle { return handle }
        try LibGit2.check(git_remote_create_anonymous(&handle, pointer, remote), "open the remote \(remote)")
        return handle!
    }

    private func withStringArray<T>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies.map { UnsafeMutablePointer<CChar>($0) }
        return pointers.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: strings.count)
            return body(&array)
        }
    }
}
