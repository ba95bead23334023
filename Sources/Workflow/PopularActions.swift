/// What mlgate knows of widely used actions, as data: the inputs each major version takes
/// (from the action's own action.yml at the major's tag), the ones it requires, the outputs
/// it sets, the inputs it deprecates, and the majors whose runtime (node12, node16) GitHub
/// no longer runs. Actions not listed are not checked.
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
        "docker/build-push-action": ([2, 3, 4], [5: buildPush5, 6: buildPush6, 7: buildPush6]),
        "docker/login-action": ([1, 2], [3: dockerLogin, 4: dockerLogin]),
        "docker/setup-buildx-action": ([1, 2], [3: buildx3, 4: buildx4]),
        "codecov/codecov-action": ([1, 2, 3], [4: codecov4, 5: codecov5]),
        "softprops/action-gh-release": ([1], [2: ghRelease, 3: ghRelease]),
        "actions/upload-pages-artifact": ([], [3: pagesArtifact, 4: pagesArtifact,
                                               5: Metadata(inputs: pagesArtifact.inputs.union(["include-hidden-files"]), required: [], outputs: ["artifact_id"])]),
        "actions/deploy-pages": ([1, 2], [4: deployPages, 5: deployPages]),
        "actions/setup-go": ([1, 2, 3, 4], [
            5: .init(inputs: ["architecture", "cache", "cache-dependency-path", "check-latest", "go-version", "go-version-file", "token"], required: [], outputs: ["cache-hit", "go-version"]),
        ]),
    ]

    static let buildPush5 = Metadata(inputs: ["add-hosts", "allow", "annotations", "attests", "build-args", "build-contexts", "builder", "cache-from",
                                              "cache-to", "cgroup-parent", "context", "file", "github-token", "labels", "load", "network", "no-cache",
                                              "no-cache-filters", "outputs", "platforms", "provenance", "pull", "push", "sbom", "secret-envs",
                                              "secret-files", "secrets", "shm-size", "ssh", "tags", "target", "ulimit"],
                                     required: [], outputs: ["digest", "imageid", "metadata"])
    static let buildPush6 = Metadata(inputs: buildPush5.inputs.union(["call"]), required: [], outputs: buildPush5.outputs)
    static let dockerLogin = Metadata(inputs: ["ecr", "logout", "password", "registry", "registry-auth", "scope", "username"], required: [])
    static let buildx4 = Metadata(inputs: ["append", "buildkitd-config", "buildkitd-config-inline", "buildkitd-flags", "cache-binary", "cleanup", "driver",
                                           "driver-opts", "endpoint", "keep-state", "name", "platforms", "use", "version"],
                                  required: [], outputs: ["driver", "endpoint", "flags", "name", "nodes", "platforms", "status"])
    static let buildx3 = Metadata(inputs: buildx4.inputs.union(["config", "config-inline", "install"]), required: [], outputs: buildx4.outputs,
                                  deprecated: ["config": "use buildkitd-config instead", "config-inline": "use buildkitd-config-inline instead",
                                               "install": "\"docker buildx install\" is deprecated; use the BUILDX_BUILDER environment variable instead"])
    static let codecov4 = Metadata(inputs: ["codecov_yml_path", "commit_parent", "directory", "disable_file_fixes", "disable_safe_directory", "disable_search",
                                            "dry_run", "env_vars", "exclude", "fail_ci_if_error", "file", "files", "flags", "git_service",
                                            "handle_no_reports_found", "job_code", "name", "network_filter", "network_prefix", "os", "override_branch",
                                            "override_build", "override_build_url", "override_commit", "override_pr", "plugin", "plugins", "report_code",
                                            "root_dir", "slug", "token", "url", "use_legacy_upload_endpoint", "use_oidc", "verbose", "version",
                                            "working-directory"], required: [])
    static let codecov5 = Metadata(inputs: ["base_sha", "binary", "codecov_yml_path", "commit_parent", "directory", "disable_file_fixes", "disable_safe_directory",
                                            "disable_search", "disable_telem", "dry_run", "env_vars", "exclude", "fail_ci_if_error", "files", "flags",
                                            "force", "gcov_args", "gcov_executable", "gcov_ignore", "gcov_include", "git_service", "handle_no_reports_found",
                                            "job_code", "name", "network_filter", "network_prefix", "os", "override_branch", "override_build",
                                            "override_build_url", "override_commit", "override_pr", "plugins", "recurse_submodules", "report_code",
                                            "report_type", "root_dir", "run_command", "skip_validation", "slug", "swift_project", "token", "url",
                                            "use_legacy_upload_endpoint", "use_oidc", "use_pypi", "verbose", "version", "working-directory"], required: [])
    static let ghRelease = Metadata(inputs: ["append_body", "body", "body_path", "discussion_category_name", "draft", "fail_on_unmatched_files", "files",
                                             "generate_release_notes", "make_latest", "name", "overwrite_files", "prerelease", "preserve_order",
                                             "previous_tag", "repository", "tag_name", "target_commitish", "token", "working_directory"],
                                    required: [], outputs: ["assets", "id", "upload_url", "url"])
    static let pagesArtifact = Metadata(inputs: ["name", "path", "retention-days"], required: [], outputs: ["artifact_id"])
    static let deployPages = Metadata(inputs: ["artifact_name", "error_count", "preview", "reporting_interval", "timeout", "token"], required: [],
                                      outputs: ["page_url"])

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
        "actions/labeler": [2, 3, 4],
        "actions/setup-dotnet": [1, 2, 3],
        "actions/stale": [1, 2, 3, 4, 5, 6, 7, 8],
        "aws-actions/configure-aws-credentials": [1, 2, 3],
        "azure/aks-set-context": [1, 2, 3],
        "azure/container-scan": [0],
        "azure/login": [1],
        "dawidd6/action-download-artifact": [2],
        "dawidd6/action-send-mail": [2],
        "dessant/lock-threads": [2, 3, 4],
        "docker/metadata-action": [1, 2, 3, 4],
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
