import Foundation
import Promotion
import Testing
import TestSupport
import YAMLSource

@Suite("Policy (mlgate.yml)")
struct PolicyTests {
    static let example = """
        models:
          churn: { path: models/churn, artifact: models/churn/model.pkl }
        stages:
          dev: {}
          staging:
            checks: [unit-tests, { name: data-validation, allow_warn: true }]
            branches: [main, "release/*"]
          production:
            from: staging
            wait: 1h30m
            checks: [unit-tests]
            approvals: { required: 2, signers: .mlgate/allowed_signers }
            analysis:
              metrics:
                - name: error-rate
                  provider: { prometheus: { address: "http://127.0.0.1:9090", query: "sum(rate(errors[5m]))" } }
                  interval: 30s
                  count: 5
                  initialDelay: 10s
                  successCondition: result < 0.05
                  failureCondition: ${{ result >= 0.1 }}
                  failureLimit: 1
                - name: accuracy
                  provider: { file: { path: metrics.json, key: eval.accuracy } }
                  successCondition: result >= 0.9
        """

    @Test("a full policy reads as written, with Argo's defaults")
    func example() throws {
        let policy = try PolicyDecoder.decode(Self.example, file: "mlgate.yml")
        #expect(policy.models.map(\.name) == ["churn"])
        #expect(policy.models.first?.artifact == "models/churn/model.pkl")
        #expect(policy.stages.map(\.name) == ["dev", "staging", "production"])
        let staging = try #require(policy.stage("staging"))
        #expect(staging.checks == [.init(name: "unit-tests", allowWarn: false), .init(name: "data-validation", allowWarn: true)])
        #expect(staging.branches == ["main", "release/*"])
        let production = try #require(policy.stage("production"))
        #expect(production.from == "staging")
        #expect(production.wait == 5400)
        #expect(production.approvals?.required == 2)
        #expect(production.approvals?.preventSelfReview == true)
        let metrics = try #require(production.analysis?.metrics)
        #expect(metrics.map(\.name) == ["error-rate", "accuracy"])
        #expect(metrics[0].interval == 30 && metrics[0].count == 5 && metrics[0].initialDelay == 10)
        #expect(metrics[0].failureCondition == " result >= 0.1 ")
        #expect(metrics[1].count == 1 && metrics[1].consecutiveErrorLimit == 4 && metrics[1].failureLimit == 0)
        if case .file(let path, let key) = metrics[1].provider { #expect(path == "metrics.json" && key == "eval.accuracy") }
        else { Issue.record("accuracy should read a file") }
    }

    @Test("without stages, the policy has dev, staging and production")
    func defaults() throws {
        #expect(try PolicyDecoder.decode("models:\n  churn: {}\n", file: "mlgate.yml").stages.map(\.name) == ["dev", "staging", "production"])
        #expect(try PolicyDecoder.decode("stages: [qa, live]\n", file: "mlgate.yml").stages.map(\.name) == ["qa", "live"])
    }

    @Test("every problem is reported at its line and column")
    func problems() throws {
        let broken = """
            models:
              "bad name": {}
            stages:
              staging:
                chekcs: [x]
              production:
                from: prod
                wait: soon
                approvals: { required: -1, signers: nope.txt }
                analysis:
                  metrics:
                    - name: m
                      provider: { command: "echo 1", file: { path: a, key: b } }
                      successCondition: result <
                      count: 3
            """
        do {
            _ = try PolicyDecoder.decode(broken, file: "mlgate.yml", fileExists: { _ in false })
            Issue.record("the broken policy was accepted")
        } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(lines == [
                "mlgate.yml:2:3: 'bad name' is not a valid model name: letters, digits, '-', '_', '/', starting and ending with a letter or digit",
                "mlgate.yml:5:5: unknown key 'chekcs' in stage 'staging'; did you mean 'checks'?",
                "mlgate.yml:7:11: stage 'production' comes from 'prod', which is not a stage before it; stages before it: staging",
                "mlgate.yml:8:11: 'wait' must be a duration such as 30s, 5m, 1h or 2d",
                "mlgate.yml:9:28: 'required' must be a whole number from 0 to 100",
                "mlgate.yml:9:41: the allowed-signers file 'nope.txt' does not exist; create it (mlgate keys prints a line for it)",
                "mlgate.yml:13:21: metric 'm' needs exactly one provider: prometheus, command or file",
                "mlgate.yml:14:29: invalid successCondition of metric 'm': Unexpected end of expression: '<'. Located at position 8 within expression: result <",
                "mlgate.yml:15:18: metric 'm' takes 3 measurements and needs an 'interval' between them",
            ])
        }
    }

    @Test("durations", arguments: [("30s", 30.0), ("5m", 300), ("1h30m", 5400), ("2d", 172_800), ("500ms", 0.5), ("1.5h", 5400)])
    func durations(_ text: String, _ seconds: Double) {
        #expect(PolicyDecoder.parseDuration(text) == seconds)
    }

    @Test("mlgate policy check: exit 0 with a summary, exit 2 with the problems")
    func commandLine() throws {
        let repo = try TemporaryRepository()
        try repo.write(".mlgate/allowed_signers", "")
        try repo.write("mlgate.yml", Self.example)
        let good = try MLGateExecutable.run(["policy", "check"], in: repo.path)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("stages dev → staging → production; no problems"))
        try repo.write("mlgate.yml", "stages:\n  prod:\n    wait: forever\n")
        let bad = try MLGateExecutable.run(["policy", "check"], in: repo.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("mlgate.yml:3:11: 'wait' must be a duration"))
        try FileManager.default.removeItem(atPath: repo.path + "/mlgate.yml")
        let missing = try MLGateExecutable.run(["policy", "check"], in: repo.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("there is no policy file mlgate.yml"))
    }
}
