import Foundation
import Testing
import TestSupport

/// `fixtures/corpus/`: realistic workflows written for this repository, as projects use
/// them (a Pages deploy, a merge queue, an OS matrix with Windows legs, service and
/// container jobs, remote actions, another repository's reusable workflows). Each folder
/// holds `repo/` (the project), optionally `remote/OWNER/NAME/` (repositories a loopback
/// git server serves, on `main` and the tags `expect.json` names), and `expect.json`: what
/// `run --list` shows, and what each run (its arguments) ends with, job by job. `--list`,
/// `--graph` and `--dry-run` must work on every one of them.
@Suite("Corpus of realistic workflows", .serialized)
struct CorpusTests {
    static let root = ProjectPaths.fixtures + "/corpus"

    static var entries: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
            FileManager.default.fileExists(atPath: root + "/" + $0 + "/expect.json")
        }.sorted()
    }

    struct Expect: Decodable {
        struct Run: Decodable {
            var args: [String]?
            var exit: Int32
            var jobs: [String: String]?
            var jobCount: Int?
            var logs: [String: [String]]?
            var notLogs: [String: [String]]?
            /// Text that exactly one log line of the job holds (a missing action named once).
            var logsOnce: [String: [String]]?
            var stdout: [String]?
            var notStdout: [String]?
            /// Stop the git server first: the cache must serve.
            var serverStopped: Bool?
        }
        var remote: [String: [String]]?
        var list: [String]
        var runs: [Run]
    }

    /// Every file under `folder`, by path relative to it.
    static func files(under folder: String) -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[path] = try? String(contentsOfFile: folder + "/" + path, encoding: .utf8)
            }
        }
        return result
    }

    @Test("there is a corpus")
    func corpusExists() {
        #expect(Self.entries.count >= 6)
    }

    @Test(arguments: entries)
    func entry(_ name: String) throws {
        let folder = Self.root + "/" + name
        let expect = try JSONDecoder().decode(Expect.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/expect.json")))
        let repo = try TemporaryRepository()
        try repo.copy(contentsOf: folder + "/repo")
        try repo.commitAll("corpus \(name)")

        // The other repositories, on a git server of their own.
        var server: LoopbackGitServer?
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-corpus-cache-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var environment = ["XDG_CACHE_HOME": cache]
        if FileManager.default.fileExists(atPath: folder + "/remote") {
            let started = try LoopbackGitServer()
            for owner in try FileManager.default.contentsOfDirectory(atPath: folder + "/remote").sorted() {
                for repository in try FileManager.default.contentsOfDirectory(atPath: folder + "/remote/" + owner).sorted() {
                    let full = owner + "/" + repository
                    try started.publish(full, files: Self.files(under: folder + "/remote/" + full), tags: expect.remote?[full] ?? [])
                }
            }
            try started.start()
            environment["GITHUB_SERVER_URL"] = started.url
            server = started
        }

        // Listing, the graph and a dry run: whatever the jobs need, nothing is refused.
        let list = try MLGateExecutable.run(["run", "--list"], in: repo.path, environment: environment)
        #expect(list.status == 0, "\(name): run --list exit \(list.status)\n\(list.stdout)\(list.stderr)")
        for text in expect.list { #expect(list.stdout.contains(text), "\(name): --list should show \(text)\n\(list.stdout)") }
        for mode in ["--graph", "--dry-run"] {
            let result = try MLGateExecutable.run(["run", mode], in: repo.path, environment: environment)
            #expect(result.status == 0, "\(name): run \(mode) exit \(result.status)\n\(result.stdout)\(result.stderr)")
        }

        for run in expect.runs {
            if run.serverStopped == true { server?.stop() }
            let args = ["run", "--json"] + (run.args ?? [])
            let result = try MLGateExecutable.run(args, in: repo.path, environment: environment)
            let context = "\(name) \(args.joined(separator: " ")): exit \(result.status)\nstdout:\n\(result.stdout.suffix(4000))\nstderr:\n\(result.stderr.suffix(2000))"
            #expect(result.status == run.exit, "\(context)")
            let events = RunEvents(result.stdout)
            for (job, status) in run.jobs ?? [:] {
                #expect(events.jobResults[job] == status, "job \(job) should be \(status), was \(events.jobResults[job] ?? "not run")\n\(context)")
            }
            if let count = run.jobCount {
                #expect(events.jobResults.count == count, "expected \(count) jobs, got \(events.jobResults.keys.sorted())\n\(context)")
            }
            for (job, lines) in run.logs ?? [:] {
                let got = events.logs[job] ?? []
                var index = got.startIndex
                for line in lines {
                    guard let found = got[index...].firstIndex(where: { $0.contains(line) }) else {
                        Issue.record("job \(job) should log \(line.debugDescription) (in order); logged \(got)\n\(context)")
                        break
                    }
                    index = got.index(after: found)
                }
            }
            for (job, lines) in run.notLogs ?? [:] {
                for line in lines {
                    #expect(!(events.logs[job] ?? []).contains { $0.contains(line) }, "job \(job) should not log \(line.debugDescription)\n\(context)")
                }
            }
            for (job, texts) in run.logsOnce ?? [:] {
                for text in texts {
                    let count = (events.logs[job] ?? []).filter { $0.contains(text) }.count
                    #expect(count == 1, "job \(job) should name \(text.debugDescription) once, named it \(count) times\n\(context)")
                }
            }
            for text in run.stdout ?? [] { #expect(result.stdout.contains(text), "stdout should contain \(text.debugDescription)\n\(context)") }
            for text in run.notStdout ?? [] {
                #expect(!result.stdout.contains(text) && !result.stderr.contains(text), "output should not contain \(text.debugDescription)\n\(context)")
            }
        }
    }
}
