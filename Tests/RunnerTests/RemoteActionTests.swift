import Foundation
import Testing
import TestSupport

/// A git server on loopback (`git daemon`) holding bare repositories of test actions and
/// reusable workflows, stopped when released.
final class LoopbackGitServer: @unchecked Sendable {
    let base: String
    private(set) var port = 0
    private var pid: Int32?
    /// The repositories served, `owner/name`, in the order published.
    private(set) var published: [String] = []

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-gitd-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: base)
    }

    var url: String { "git://127.0.0.1:\(port)" }

    /// An `XDG_CACHE_HOME` for the runs against this server, removed with it.
    var cacheHome: String { base + "/cache-home" }

    /// A server holding `acme/greeter` (tagged `v1`, saying `words`) and `acme/shared`, started.
    static func serving(greeter words: String, shared: [String: String]) throws -> (LoopbackGitServer, sha: String) {
        let server = try LoopbackGitServer()
        let sha = try server.publish("acme/greeter", files: RemoteActionTests.greeter(words), tag: "v1")
        try server.publish("acme/shared", files: shared)
        try server.start()
        return (server, sha)
    }

    /// Serves `base` on a free port of 127.0.0.1; waits until it answers. The server runs
    /// detached (no Foundation `Process` watches it), with every descriptor it inherited
    /// past stderr closed: a pipe of a test running beside this one must not stay open in it.
    func start() throws {
        let execPath = try ProcessRunner.run("/usr/bin/env", ["git", "--exec-path"], in: base).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for _ in 0..<20 {
            let candidate = Int.random(in: 20_000...60_000)
            let script = """
                for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
                '\(execPath)/git-daemon' --reuseaddr --export-all --base-path='\(base)' --listen=127.0.0.1 --port=\(candidate) '\(base)' </dev/null >/dev/null 2>&1 &
                echo $!
                """
            let launched = try ProcessRunner.run("/bin/bash", ["-c", script], in: base)
            guard let pid = Int32(launched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            for _ in 0..<50 {
                usleep(50_000)
                guard kill(pid, 0) == 0 else { break }
                if let probe = try? ProcessRunner.run("/usr/bin/env", ["git", "ls-remote", "git://127.0.0.1:\(candidate)/\(published.first ?? "")"], in: base), probe.status == 0 {
                    port = candidate
                    self.pid = pid
                    return
                }
            }
            kill(pid, SIGKILL)
        }
        throw TestSupportError("git daemon did not start")
    }

    func stop() {
        guard let pid else { return }
        // SIGKILL: a server started from a test thread may have SIGTERM blocked.
        kill(pid, SIGKILL)
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(20_000) }
        self.pid = nil
    }

    /// Makes or updates `owner/name` from the files given, committed on `branch` (and tagged).
    @discardableResult
    func publish(_ name: String, files: [String: String], branch: String = "main", tag: String? = nil) throws -> String {
        try publish(name, files: files, branch: branch, tags: tag.map { [$0] } ?? [])
    }

    /// Makes or updates `owner/name` from the files given, committed on `branch` and tagged
    /// with each of `tags`.
    @discardableResult
    func publish(_ name: String, files: [String: String], branch: String = "main", tags: [String]) throws -> String {
        let work = base + "/../" + name.replacingOccurrences(of: "/", with: "-") + "-work-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        func git(_ arguments: String...) throws {
            let result = try ProcessRunner.run("/usr/bin/env", ["git"] + arguments, in: work)
            guard result.status == 0 else { throw TestSupportError("git \(arguments): \(result.stderr)") }
        }
        let bare = base + "/" + name
        if !published.contains(name) { published.append(name) }
        if FileManager.default.fileExists(atPath: bare) {
            try git("clone", "-q", "-b", branch, bare, ".")
        } else {
            try git("init", "-q", "-b", branch)
        }
        for (path, text) in files {
            let url = URL(fileURLWithPath: work + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try git("add", "-A")
        try git("-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "publish")
        for tag in tags { try git("tag", "-f", tag) }
        if !FileManager.default.fileExists(atPath: bare) {
            try git("clone", "-q", "--bare", ".", bare)
        } else {
            try git("push", "-q", "-f", bare, branch)
            for tag in tags { try git("push", "-q", "-f", bare, "refs/tags/\(tag)") }
        }
        return try ProcessRunner.run("/usr/bin/env", ["git", "rev-parse", "HEAD"], in: work).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Remote actions (`owner/repo@ref`) and other repositories' reusable workflows, fetched
/// through libgit2 from the server `GITHUB_SERVER_URL` names into a cache, as a new user's
/// run meets them.
@Suite("Remote actions fetched into a cache")
struct RemoteActionTests {
    static func greeter(_ words: String) -> [String: String] {
        ["action.yml": """
            name: greeter
            inputs:
              who: { default: world }
            outputs:
              said: { value: "${{ steps.s.outputs.said }}" }
            runs:
              using: composite
              steps:
                - id: s
                  run: echo "\(words) ${{ inputs.who }}" && echo "said=\(words)" >> "$GITHUB_OUTPUT"
                  shell: bash
                - run: echo "action ${{ github.action_repository }}@${{ github.action_ref }} env $GITHUB_ACTION_REPOSITORY@$GITHUB_ACTION_REF path-set=${{ github.action_path != '' }}"
                  shell: bash
            """]
    }

    static let shared = [".github/workflows/build.yml": """
        on:
          workflow_call:
            inputs:
              name: { type: string, required: true }
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo "shared build for ${{ inputs.name }}"
        """]

    func project(_ uses: String) throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", """
            on: push
            jobs:
              greet:
                runs-on: ubuntu-latest
                steps:
                  - id: g
                    uses: \(uses)
                    with: { who: ci }
                  - run: echo "output=${{ steps.g.outputs.said }}"
              shared:
                uses: acme/shared/.github/workflows/build.yml@main
                with: { name: proj }
            """)
        try repo.commitAll()
        return repo
    }

    func run(_ repo: TemporaryRepository, server: LoopbackGitServer, cache: String? = nil, _ extra: [String] = []) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(["run"] + extra, in: repo.path, environment: ["GITHUB_SERVER_URL": server.url, "XDG_CACHE_HOME": cache ?? server.cacheHome])
    }

    @Test("first run fetches; with the server stopped the cache serves; a moved branch is fetched again")
    func fetchAndCache() throws {
        let (server, _) = try LoopbackGitServer.serving(greeter: "hello v1", shared: Self.shared)
        let cache = server.cacheHome
        let repo = try project("acme/greeter@main")

        let first = try run(repo, server: server, cache: cache)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("| hello v1 ci"))
        #expect(first.stdout.contains("| output=hello v1"))
        #expect(first.stdout.contains("| shared build for proj"))
        #expect(first.stdout.contains("| action acme/greeter@main env acme/greeter@main path-set=true"), "github.action_* inside the action")
        #expect(FileManager.default.fileExists(atPath: cache + "/mlgate/actions/acme/greeter/HEAD"), "a bare repository per action")

        server.stop()
        let offlineServer = try run(repo, server: server, cache: cache)
        #expect(offlineServer.status == 0, "the cache serves when the server is gone: \(offlineServer.stdout)")
        #expect(offlineServer.stdout.contains("| hello v1 ci"))

        try server.publish("acme/greeter", files: Self.greeter("hello v2"))
        try server.start()
        let moved = try run(repo, server: server, cache: cache)
        #expect(moved.stdout.contains("| hello v2 ci"), "a branch is fetched again in a new run: \(moved.stdout)")
        // Fetched at depth 1 (git's protocol v2): the branch's commit without its parent.
        let cached = cache + "/mlgate/actions/acme/greeter"
        #expect(FileManager.default.fileExists(atPath: cached + "/shallow"))
        let count = try ProcessRunner.run("/usr/bin/env", ["git", "rev-list", "--count", "refs/heads/main"], in: cached)
        #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "only the tip is fetched: \(count.stdout)\(count.stderr)")
        let tagged = try run(try project("acme/greeter@v1"), server: server, cache: cache)
        #expect(tagged.stdout.contains("| hello v1 ci"), "a tag is read as tagged: \(tagged.stdout)")
    }

    @Test("a full commit SHA is never fetched again: the second run needs no server")
    func commitPinned() throws {
        let (server, sha) = try LoopbackGitServer.serving(greeter: "pinned", shared: Self.shared)
        let cache = server.cacheHome
        let repo = try project("acme/greeter@\(sha)")
        #expect(try run(repo, server: server, cache: cache).stdout.contains("| pinned ci"))
        server.stop()
        let again = try run(repo, server: server, cache: cache, ["-j", "greet", "--offline"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("| pinned ci"))
    }

    @Test("a missing repository or ref fails its job alone, clearly, and leaves no empty cache; --offline fetches nothing")
    func missing() throws {
        let (server, _) = try LoopbackGitServer.serving(greeter: "hello", shared: Self.shared)
        let cache = server.cacheHome

        let noRepo = try run(try project("acme/nosuch@v1"), server: server, cache: cache)
        #expect(noRepo.status == 1)
        #expect(noRepo.stdout.contains("'acme/nosuch@v1' (step 1: cannot fetch acme/nosuch from \(server.url)"), "\(noRepo.stdout)")
        #expect(noRepo.stdout.contains("| shared build for proj"), "the other job still runs")
        #expect(!FileManager.default.fileExists(atPath: cache + "/mlgate/actions/acme/nosuch"))

        let noRef = try run(try project("acme/greeter@v9"), server: server, cache: cache)
        #expect(noRef.status == 1)
        #expect(noRef.stdout.contains("acme/greeter has no tag or branch 'v9' on \(server.url)"), "\(noRef.stdout)")

        let offline = try run(try project("acme/greeter@v1"), server: server, cache: cache + "-empty", ["--offline", "-j", "greet"])
        #expect(offline.status == 1)
        #expect(offline.stdout.contains("--offline fetches nothing"), "\(offline.stdout)")
    }
}
