import Foundation
import Testing
import TestSupport

/// Each folder in `fixtures/runner/` is one behaviour: `workflow.yml` (installed as
/// `.github/workflows/workflow.yml`), optional `repo/` files, and `expect.json` saying what a
/// user would see: the exit status, each job's result, step outcomes, outputs, log lines.
@Suite("Runner scenarios", .serialized)
struct ScenarioTests {
    static let scenarioRoot = ProjectPaths.fixtures + "/runner"

    static var scenarios: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: scenarioRoot)) ?? []).filter {
            FileManager.default.fileExists(atPath: scenarioRoot + "/" + $0 + "/expect.json")
        }.sorted()
    }

    @Test("there are scenarios")
    func scenariosExist() {
        #expect(Self.scenarios.count >= 20)
    }

    @Test(arguments: scenarios)
    func scenario(_ name: String) throws {
        let folder = Self.scenarioRoot + "/" + name
        let expect = try Expectation.load(folder + "/expect.json")
        let repo = try TemporaryRepository()
        if FileManager.default.fileExists(atPath: folder + "/repo") { try repo.copy(contentsOf: folder + "/repo") }
        if FileManager.default.fileExists(atPath: folder + "/workflow.yml") {
            try repo.write(".github/workflows/workflow.yml", String(contentsOfFile: folder + "/workflow.yml", encoding: .utf8))
        }
        try repo.commitAll("scenario \(name)")
        // Extra history: "commit PATH CONTENT" writes and commits (CONTENT is the message
        // too); anything else is a git command.
        for command in expect.setup {
            let words = command.split(separator: " ").map(String.init)
            if words.first == "commit", words.count >= 3 {
                let content = words[2...].joined(separator: " ")
                try repo.write(words[1], content + "\n")
                try repo.commitAll(content)
            } else {
                _ = try ProcessRunner.run("/usr/bin/env", ["git"] + words, in: repo.path)
            }
        }

        var args = ["run"]
        if !expect.human { args.append("--json") }
        args += expect.args
        let result = try MLGateExecutable.run(args, in: repo.path, environment: expect.env)
        let context = "\(name): exit \(result.status)\nstdout:\n\(result.stdout.suffix(3000))\nstderr:\n\(result.stderr.suffix(2000))"

        #expect(result.status == expect.exit, "\(context)")
        for text in expect.stdout { #expect(result.stdout.contains(text), "stdout should contain \(text.debugDescription)\n\(context)") }
        for text in expect.notStdout { #expect(!result.stdout.contains(text), "stdout should not contain \(text.debugDescription)\n\(context)") }
        for text in expect.stderr { #expect(result.stderr.contains(text), "stderr should contain \(text.debugDescription)\n\(context)") }
        for text in expect.notStderr { #expect(!result.stderr.contains(text), "stderr should not contain \(text.debugDescription)\n\(context)") }
        guard !expect.human else { return }

        let events = RunEvents(result.stdout)
        for (job, status) in expect.jobs {
            #expect(events.jobResults[job] == status, "job \(job) should be \(status), was \(events.jobResults[job] ?? "not run")\n\(context)")
        }
        if let count = expect.jobCount {
            #expect(events.jobResults.count == count, "expected \(count) jobs, got \(events.jobResults.keys.sorted())\n\(context)")
        }
        for (key, want) in expect.steps {
            let got = events.steps[key]
            #expect(got?.outcome == want.outcome && got?.conclusion == want.conclusion,
                    "step \(key) should be \(want.outcome)/\(want.conclusion), was \(String(describing: got))\n\(context)")
        }
        for (job, outputs) in expect.outputs {
            #expect(events.jobOutputs[job] == outputs, "outputs of \(job): \(String(describing: events.jobOutputs[job]))\n\(context)")
        }
        for (job, lines) in expect.logs {
            let got = events.logs[job] ?? []
            var index = got.startIndex
            for line in lines {
                guard let found = got[index...].firstIndex(of: line) else {
                    Issue.record("job \(job) should log \(line.debugDescription) (in order); logged \(got)\n\(context)")
                    break
                }
                index = got.index(after: found)
            }
        }
        for (job, lines) in expect.notLogs {
            for line in lines {
                #expect(!(events.logs[job] ?? []).contains { $0.contains(line) }, "job \(job) should not log \(line.debugDescription)\n\(context)")
            }
        }
    }
}

/// What a scenario expects.
struct Expectation: Decodable {
    struct StepState: Decodable, Equatable {
        let outcome: String
        let conclusion: String
    }

    var args: [String] = []
    var setup: [String] = []
    var env: [String: String] = [:]
    var human = false
    var exit: Int32 = 0
    var jobs: [String: String] = [:]
    var jobCount: Int?
    var steps: [String: StepState] = [:]
    var outputs: [String: [String: String]] = [:]
    var logs: [String: [String]] = [:]
    var notLogs: [String: [String]] = [:]
    var stdout: [String] = []
    var notStdout: [String] = []
    var stderr: [String] = []
    var notStderr: [String] = []

    enum CodingKeys: String, CodingKey {
        case args, setup, env, human, exit, jobs, jobCount, steps, outputs, logs, notLogs, stdout, notStdout, stderr, notStderr
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        args = try c.decodeIfPresent([String].self, forKey: .args) ?? []
        setup = try c.decodeIfPresent([String].self, forKey: .setup) ?? []
        env = try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:]
        human = try c.decodeIfPresent(Bool.self, forKey: .human) ?? false
        exit = try c.decodeIfPresent(Int32.self, forKey: .exit) ?? 0
        jobs = try c.decodeIfPresent([String: String].self, forKey: .jobs) ?? [:]
        jobCount = try c.decodeIfPresent(Int.self, forKey: .jobCount)
        steps = try c.decodeIfPresent([String: StepState].self, forKey: .steps) ?? [:]
        outputs = try c.decodeIfPresent([String: [String: String]].self, forKey: .outputs) ?? [:]
        logs = try c.decodeIfPresent([String: [String]].self, forKey: .logs) ?? [:]
        notLogs = try c.decodeIfPresent([String: [String]].self, forKey: .notLogs) ?? [:]
        stdout = try c.decodeIfPresent([String].self, forKey: .stdout) ?? []
        notStdout = try c.decodeIfPresent([String].self, forKey: .notStdout) ?? []
        stderr = try c.decodeIfPresent([String].self, forKey: .stderr) ?? []
        notStderr = try c.decodeIfPresent([String].self, forKey: .notStderr) ?? []
    }

    static func load(_ path: String) throws -> Expectation {
        try JSONDecoder().decode(Expectation.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// The `--json` event stream, indexed for assertions.
struct RunEvents {
    var jobResults: [String: String] = [:]
    var jobOutputs: [String: [String: String]] = [:]
    var steps: [String: Expectation.StepState] = [:]
    var logs: [String: [String]] = [:]

    init(_ stdout: String) {
        for line in stdout.split(separator: "\n") {
            guard let data = line.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let type = object["type"] as? String else { continue }
            let job = object["name"] as? String ?? ""
            switch type {
            case "job_finished":
                jobResults[job] = object["result"] as? String
                jobOutputs[job] = object["outputs"] as? [String: String]
            case "step_finished":
                let key = job + "/" + ((object["id"] as? String) ?? (object["step"] as? String ?? ""))
                steps[key] = Expectation.StepState(outcome: object["outcome"] as? String ?? "",
                                                   conclusion: object["conclusion"] as? String ?? "")
            case "log":
                logs[job, default: []].append(object["line"] as? String ?? "")
            default: break
            }
        }
    }
}
