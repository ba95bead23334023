/// What mlgate knows of widely used actions, as data: the inputs each major version takes
/// (from the action's own action.yml), the ones it requires, and the majors whose runtime
/// (node12, node16) GitHub no longer runs. Actions not listed are not checked.
enum PopularActions {
    struct Metadata: Sendable {
        let inputs: Set<String>
        let required: Set<String>
    }

    /// By `owner/repo`: the majors that no longer run, and the inputs of the majors that do.
    static let known: [String: (outdated: Set<Int>, current: [Int: Metadata])] = [
        "actions/checkout": ([1, 2, 3], [4: checkout, 5: checkout]),
        "actions/setup-python": ([1, 2, 3, 4], [
            5: .init(inputs: ["allow-prereleases", "architecture", "cache", "cache-dependency-path", "check-latest", "freethreaded",
                              "python-version", "python-version-file", "token", "update-environment"], required: []),
            6: .init(inputs: ["allow-prereleases", "architecture", "cache", "cache-dependency-path", "check-latest", "freethreaded",
                              "pip-install", "pip-version", "python-version", "python-version-file", "token", "update-environment"], required: []),
        ]),
        "actions/setup-node": ([1, 2, 3], [
            4: .init(inputs: ["always-auth", "architecture", "cache", "cache-dependency-path", "check-latest", "mirror", "mirror-token",
                              "node-version", "node-version-file", "registry-url", "scope", "token"], required: []),
            5: .init(inputs: ["always-auth", "architecture", "cache", "cache-dependency-path", "check-latest", "mirror", "mirror-token",
                              "node-version", "node-version-file", "package-manager-cache", "registry-url", "scope", "token"], required: []),
        ]),
        "actions/cache": ([1, 2, 3], [
            4: .init(inputs: ["enableCrossOsArchive", "fail-on-cache-miss", "key", "lookup-only", "path", "restore-keys", "save-always",
                              "upload-chunk-size"], required: ["key", "path"]),
        ]),
        "actions/upload-artifact": ([1, 2, 3], [
            4: .init(inputs: ["compression-level", "if-no-files-found", "include-hidden-files", "name", "overwrite", "path", "retention-days"],
                     required: ["path"]),
        ]),
        "actions/download-artifact": ([1, 2, 3], [
            4: .init(inputs: ["artifact-ids", "github-token", "merge-multiple", "name", "path", "pattern", "repository", "run-id"], required: []),
        ]),
        "actions/github-script": ([1, 2, 3, 4, 5, 6], [7: githubScript, 8: githubScript]),
        "actions/setup-java": ([1, 2, 3], [
            4: .init(inputs: ["architecture", "cache", "cache-dependency-path", "check-latest", "distribution", "gpg-passphrase", "gpg-private-key",
                              "java-package", "java-version", "java-version-file", "jdkFile", "job-status", "mvn-toolchain-id",
                              "mvn-toolchain-vendor", "overwrite-settings", "server-id", "server-password", "server-username",
                              "settings-path", "token"], required: ["distribution"]),
        ]),
        "actions/setup-go": ([1, 2, 3, 4], [
            5: .init(inputs: ["architecture", "cache", "cache-dependency-path", "check-latest", "go-version", "go-version-file", "token"], required: []),
        ]),
    ]

    static let checkout = Metadata(inputs: ["allow-unsafe-pr-checkout", "clean", "fetch-depth", "fetch-tags", "filter", "github-server-url", "lfs", "path",
                                            "persist-credentials", "ref", "repository", "set-safe-directory", "show-progress", "sparse-checkout",
                                            "sparse-checkout-cone-mode", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "submodules", "token"],
                                   required: [])
    static let githubScript = Metadata(inputs: ["base-url", "debug", "github-token", "previews", "result-encoding", "retries",
                                                "retry-exempt-status-codes", "script", "user-agent"], required: ["script"])
}
