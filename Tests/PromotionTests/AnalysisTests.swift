import Foundation
import Promotion
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Post-deploy analysis and automatic rollback: against a real Prometheus (Debian's
/// `prometheus`, installed by `make test`) scraping an exporter the test runs, and with the
/// command and file providers.
@Suite("Analysis and rollback", .serialized)
struct AnalysisTests {
    /// churn v1.0.0 then v1.1.0 promoted to staging; the policy's staging analysis is `metrics`.
    func project(metrics: String) throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", "stages:\n  staging:\n    analysis:\n      metrics:\n" + metrics)
        for version in ["v1.0.0", "v1.1.0"] {
            try repo.write("model.txt", "weights \(version)\n")
            _ = try repo.commitAll("train \(version)")
            #expect(try MLGateExecutable.run(["register", "churn", "--version", version], in: repo.path).status == 0)
            let promoted = try MLGateExecutable.run(["promote", "churn", "--to", "staging", "--no-deploy"], in: repo.path)
            #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
        }
        return repo
    }

    func monitor(_ repo: TemporaryRepository) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(["monitor", "churn", "--stage", "staging", "--no-deploy"], in: repo.path)
    }

    func staging(_ repo: TemporaryRepository) throws -> String {
        try MLGateExecutable.run(["show", "churn#staging", "--ref"], in: repo.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("file and command providers: success keeps the version; failure rolls back to the previous one")
    func fileAndCommand() throws {
        let repo = try project(metrics: """
                    - name: accuracy
                      provider: { file: { path: metrics.json, key: eval.accuracy } }
                      successCondition: result >= 0.9
                    - name: latency
                      provider: { command: "cat latency.txt" }
                      interval: 100ms
                      count: 3
                      failureCondition: result > 200
                      failureLimit: 1

            """)
        try repo.write("metrics.json", #"{"eval": {"accuracy": 0.95}}"#)
        try repo.write("latency.txt", "120\n")
        let good = try monitor(repo)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("Analysis successful"))
        #expect(try staging(repo) == "churn@v1.1.0")

        try repo.write("latency.txt", "450\n")
        let bad = try monitor(repo)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("latency failed: 2 failed measurement(s), more than failureLimit 1"))
        #expect(bad.stdout.contains("✗ rollback: churn in staging → v1.0.0"))
        #expect(try staging(repo) == "churn@v1.0.0")
        // The failed version is marked, and the analysis is evidence on it.
        let tags = try repo.git("tag", "-l", "churn#staging*")
        #expect(tags.contains("churn#staging!#3"))  // the failed version leaves first, then v1.0.0 is assigned again (#4)
        #expect(tags.contains("churn#staging#4"))
        let evidence = try MLGateExecutable.run(["evidence", "churn@v1.1.0"], in: repo.path)
        #expect(evidence.stdout.contains("analysis-staging  fail"))
        let history = try MLGateExecutable.run(["history", "churn"], in: repo.path).stdout
        #expect(history.contains("rolled back to  v1.0.0"))
        #expect(history.contains("rolled back     v1.1.0"))
    }

    @Test("both conditions unmet is inconclusive: exit 3, nothing rolled back")
    func inconclusive() throws {
        let repo = try project(metrics: """
                    - name: accuracy
                      provider: { file: { path: metrics.json, key: accuracy } }
                      successCondition: result >= 0.9
                      failureCondition: result < 0.5

            """)
        try repo.write("metrics.json", #"{"accuracy": 0.7}"#)
        let held = try monitor(repo)
        #expect(held.status == 3)
        #expect(held.stdout.contains("Analysis inconclusive"))
        #expect(try staging(repo) == "churn@v1.1.0")
    }

    @Test("rollback by hand, to the previous version or a named one")
    func byHand() throws {
        let repo = try project(metrics: "        - { name: m, provider: { command: 'echo 1' }, successCondition: result == 1 }\n")
        let back = try MLGateExecutable.run(["rollback", "churn", "--stage", "staging", "--reason", "customer complaints", "--no-deploy"], in: repo.path)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("by hand: customer complaints"))
        #expect(try staging(repo) == "churn@v1.0.0")
        #expect(try MLGateExecutable.run(["rollback", "churn", "--stage", "staging", "--to", "v9.0.0", "--reason", "x"], in: repo.path).status == 2)
    }

    // MARK: Prometheus

    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }

    /// The value Prometheus returns for `query`, or nil while it has none.
    static func query(_ base: String, _ query: String) -> String? {
        guard let url = URL(string: "\(base)/api/v1/query?query=\(query)"), let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]],
              let value = result.first?["value"] as? [Any] else { return nil }
        return value.last as? String
    }

    static func waitFor(_ what: String, seconds: Double = 30, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw TestSupportError("timed out waiting for \(what)") }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    @Test("a real Prometheus: the restored version follows a failing query")
    func prometheus() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") else {
            throw TestSupportError("/usr/bin/prometheus is missing; make test installs Debian's prometheus package")
        }
        let work = NSTemporaryDirectory() + "mlgate-prometheus-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work + "/exporter", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        func expose(_ value: String) throws {
            try "# TYPE model_error_rate gauge\nmodel_error_rate{model=\"churn\"} \(value)\n"
                .write(toFile: work + "/exporter/metrics", atomically: true, encoding: .utf8)
        }
        try expose("0.01")
        let exporterPort = Self.freePort(), prometheusPort = Self.freePort()
        try """
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            scrape_configs:
              - job_name: model
                static_configs: [{ targets: ["127.0.0.1:\(exporterPort)"] }]
            """.write(toFile: work + "/prometheus.yml", atomically: true, encoding: .utf8)

        let exporter = Process()
        exporter.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        exporter.arguments = ["python3", "-m", "http.server", "\(exporterPort)", "--bind", "127.0.0.1", "--directory", work + "/exporter"]
        exporter.standardOutput = FileHandle.nullDevice
        exporter.standardError = FileHandle.nullDevice
        try exporter.run()
        // SIGKILL: started from a test thread, the servers inherit a mask that blocks SIGTERM.
        defer { kill(exporter.processIdentifier, SIGKILL); exporter.waitUntilExit() }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        server.arguments = ["--config.file=\(work)/prometheus.yml", "--storage.tsdb.path=\(work)/data",
                            "--web.listen-address=127.0.0.1:\(prometheusPort)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(prometheusPort)"
        try Self.waitFor("Prometheus to scrape the exporter") { Self.query(base, "model_error_rate") == "0.01" }

        let repo = try project(metrics: """
                    - name: error-rate
                      provider: { prometheus: { address: "\(base)", query: "model_error_rate" } }
                      interval: 1s
                      count: 2
                      successCondition: result[0] < 0.05

            """)
        let good = try monitor(repo)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("error-rate: successful (result [0.01])"))

        try expose("0.2")
        try Self.waitFor("the new value") { Self.query(base, "model_error_rate") == "0.2" }
        let bad = try monitor(repo)
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("error-rate: failed (result [0.2])"))
        #expect(try staging(repo) == "churn@v1.0.0")

        // A query Prometheus rejects is an error; v1.0.0 has no earlier version to go back to,
        // so it is held (exit 3) and the stage keeps it: an analysis never empties a stage.
        try repo.write("mlgate.yml", try String(contentsOfFile: repo.path + "/mlgate.yml", encoding: .utf8)
            .replacingOccurrences(of: "query: \"model_error_rate\"", with: "query: \"model_error_rate{\""))
        let broken = try monitor(repo)
        #expect(broken.status == 3, "\(broken.stdout)\(broken.stderr)")
        #expect(broken.stdout.contains("Prometheus rejected the query"))
        #expect(broken.stdout.contains("no earlier version of churn to roll back to, so v1.0.0 stays in staging"))
        #expect(!broken.stdout.contains("rollback:"))
        #expect(try staging(repo) == "churn@v1.0.0")
    }
}
