/// What mlgate knows of widely used actions, as data: the inputs each major version takes
/// (from the action's own action.yml), the ones it requires, the outputs it sets, and the
/// majors whose runtime (node12, node16) GitHub no longer runs. Actions not listed are not
/// checked.
enum PopularActions {
    struct Metadata: Sendable {
        let inputs: Set<String>
        let required: Set<String>
        var outputs: Set<String> = []
        /// Inputs the action deprecates, with its message.
        var deprecated: [String: String] = [:]
    }

    /// By `owner/repo`: the majors that no longer run, and the inputs of the majors that do.
    static let known: [String: (outdated: Set<Int>, current: [Int: Metadata])] = [
        "actions/checkout": ([1, 2, 3], [4: checkout, 5: checkout]),
        "actions/setup-python": ([1, 2, 3, 4], [
            5: .init(inputs: ["allow-prereleases", "architecture", "cache", "cache-dependency-path", "check-latest", "freethreaded",
                              "python-version", "python-version-file", "token", "update-environment"], required: [], outputs: ["cache-hit", "python-path", "python-version"]),
            6: .init(inputs: ["allow-prereleases", "architecture", "cache", "cache-dependency-path", "check-latest", "freethreaded",
                              "pip-install", "pip-version", "python-version", "python-version-file", "token", "update-environment"], required: [], outputs: ["cache-hit", "python-path", "python-version"]),
        ]),
        "actions/setup-node": ([1, 2, 3], [
            4: .init(inputs: ["always-auth", "architecture", "cache", "cache-dependency-path", "check-latest", "mirror", "mirror-token",
                              "node-version", "node-version-file", "registry-url", "scope", "token"], required: [], outputs: ["cache-hit", "node-version"]),
            5: .init(inputs: ["always-auth", "architecture", "cache", "cache-dependency-path", "check-latest", "mirror", "mirror-token",
                              "node-version", "node-version-file", "package-manager-cache", "registry-url", "scope", "token"], required: [], outputs: ["cache-hit", "node-version"]),
        ]),
        "actions/cache": ([1, 2, 3], [
            4: .init(inputs: ["enableCrossOsArchive", "fail-on-cache-miss", "key", "lookup-only", "path", "restore-keys", "save-always",
                              "upload-chunk-size"], required: ["key", "path"], outputs: ["cache-hit"],
                     deprecated: ["save-always": "save-always does not work as intended and will be removed in a future release; "
                                  + "use a separate actions/cache/restore step instead"]),
        ]),
        "actions/upload-artifact": ([1, 2, 3], [
            4: .init(inputs: ["compression-level", "if-no-files-found", "include-hidden-files", "name", "overwrite", "path", "retention-days"],
                     required: ["path"], outputs: ["artifact-digest", "artifact-id", "artifact-url"]),
        ]),
        "actions/download-artifact": ([1, 2, 3], [
            4: .init(inputs: ["artifact-ids", "github-token", "merge-multiple", "name", "path", "pattern", "repository", "run-id"], required: [], outputs: ["download-path"]),
        ]),
        "actions/github-script": ([1, 2, 3, 4, 5, 6], [7: githubScript, 8: githubScript]),
        "actions/setup-java": ([1, 2, 3], [
            4: .init(inputs: ["architecture", "cache", "cache-dependency-path", "check-latest", "distribution", "gpg-passphrase", "gpg-private-key",
                              "java-package", "java-version", "java-version-file", "jdkFile", "job-status", "mvn-toolchain-id",
                              "mvn-toolchain-vendor", "overwrite-settings", "server-id", "server-password", "server-username",
                              "settings-path", "token"], required: ["distribution"], outputs: ["cache-hit", "distribution", "path", "version"]),
        ]),
        "actions/setup-go": ([1, 2, 3, 4], [
            5: .init(inputs: ["architecture", "cache", "cache-dependency-path", "check-latest", "go-version", "go-version-file", "token"], required: [], outputs: ["cache-hit", "go-version"]),
        ]),
    ]

    static let checkout = Metadata(inputs: ["allow-unsafe-pr-checkout", "clean", "fetch-depth", "fetch-tags", "filter", "github-server-url", "lfs", "path",
                                            "persist-credentials", "ref", "repository", "set-safe-directory", "show-progress", "sparse-checkout",
                                            "sparse-checkout-cone-mode", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "submodules", "token"],
                                   required: [], outputs: ["commit", "ref"])
    static let githubScript = Metadata(inputs: ["base-url", "debug", "github-token", "previews", "result-encoding", "retries",
                                                "retry-exempt-status-codes", "script", "user-agent"], required: ["script"], outputs: ["result"])

    /// Other actions whose listed majors run on a runtime GitHub no longer runs (node12,
    /// node16), by their full path (`github/codeql-action/init`): actionlint's list.
    static let outdatedOnly: [String: Set<Int>] = [
        "8398a7/action-slack": [1, 2],
        "actions-cool/issues-helper": [1, 2],
        "actions-rs/audit-check": [1],
        "actions-rs/cargo": [1],
        "actions-rs/clippy-check": [1],
        "actions-rs/toolchain": [1],
        "actions/configure-pages": [1, 2, 3],
        "actions/delete-package-versions": [1, 2, 3, 4],
        "actions/dependency-review-action": [3],
        "actions/deploy-pages": [1, 2],
        "actions/labeler": [2, 3, 4],
        "actions/setup-dotnet": [1, 2, 3],
        "actions/stale": [1, 2, 3, 4, 5, 6, 7, 8],
        "aws-actions/configure-aws-credentials": [1, 2, 3],
        "azure/aks-set-context": [1, 2, 3],
        "azure/container-scan": [0],
        "azure/login": [1],
        "codecov/codecov-action": [1, 2, 3],
        "dawidd6/action-download-artifact": [2],
        "dawidd6/action-send-mail": [2],
        "dessant/lock-threads": [2, 3, 4],
        "docker/build-push-action": [2, 3, 4],
        "docker/login-action": [1, 2],
        "docker/metadata-action": [1, 2, 3, 4],
        "docker/setup-buildx-action": [1, 2],
        "docker/setup-qemu-action": [1, 2],
        "dorny/paths-filter": [1, 2],
        "enriikke/gatsby-gh-pages-action": [2],
        "game-ci/unity-builder": [2, 3],
        "github/codeql-action/analyze": [1, 2],
        "github/codeql-action/autobuild": [1, 2],
        "github/codeql-action/init": [1, 2],
        "githubocto/flat": [1, 2, 3],
        "golangci/golangci-lint-action": [1, 2, 3],
        "google-github-actions/auth": [1],
        "google-github-actions/get-secretmanager-secrets": [1],
        "google-github-actions/setup-gcloud": [1],
        "google-github-actions/upload-cloud-storage": [1],
        "goreleaser/goreleaser-action": [1, 2, 3, 4],
        "gradle/wrapper-validation-action": [1],
        "haskell/actions/setup": [1, 2],
        "mikepenz/release-changelog-builder-action": [1, 2, 3],
        "msys2/setup-msys2": [1],
        "nwtgck/actions-netlify": [1, 2],
        "peaceiris/actions-gh-pages": [3],
        "peter-evans/create-or-update-comment": [3],
        "peter-evans/create-pull-request": [1, 2, 3, 4, 5],
        "preactjs/compressed-size-action": [1],
        "pulumi/actions": [2, 3, 4],
        "reactivecircus/android-emulator-runner": [1],
        "release-drafter/release-drafter": [5],
        "ridedott/merge-me-action": [1],
        "shivammathur/setup-php": [1],
        "softprops/action-gh-release": [1],
        "swatinem/rust-cache": [1],
        "treosh/lighthouse-ci-action": [1, 2, 3, 7, 8, 9, 10],
        "wearerequired/lint-action": [1, 2],
    ]

    /// The outputs `uses` (`owner/repo@vN`) sets, when the action and its major are known.
    static func outputs(of uses: String) -> Set<String>? {
        guard let at = uses.firstIndex(of: "@") else { return nil }
        let name = uses[..<at].lowercased()
        let ref = uses[uses.index(after: at)...]
        guard ref.hasPrefix("v"), let major = Int(ref.dropFirst().prefix { $0.isNumber }),
              let metadata = known[name]?.current[major] else { return nil }
        return Set(metadata.outputs.map { $0.lowercased() })
    }
}
