import Foundation
import Testing
import TestSupport

/// The example's reports and site as a person sees them: rendered by headless Chromium, with
/// no console message, nothing fetched from the network, every chart present with the
/// numbers of the evidence it was drawn from, and the key facts in the text.
@Suite("Reports in a browser", .serialized)
struct BrowserTests {
    static let out = ProjectPaths.scratch("report-demo")

    /// The demo's reports and site, made once (by `make demo`'s script) for all the tests.
    static let demo: Result<String, TestSupportError> = {
        do {
            let run = try ProcessRunner.run("/usr/bin/env", ["bash", ProjectPaths.root + "/scripts/demo.sh", MLGateExecutable.path],
                                            in: ProjectPaths.root, environment: ["MLGATE_DEMO_OUT": out])
            guard run.status == 0 else { return .failure(TestSupportError("the demo failed: \(run.stdout.suffix(2000))\(run.stderr.suffix(1000))")) }
            return .success(run.stdout)
        } catch {
            return .failure(TestSupportError("\(error)"))
        }
    }()

    func page(_ relative: String) throws -> (String, Chromium.Page) {
        _ = try Self.demo.get()
        let file = Self.out + "/" + relative
        return (file, try Chromium.load(file))
    }

    /// Checks every page must pass: nothing in the console, nothing from the network, and
    /// each chart labelled and carrying numbers.
    func expectClean(_ page: Chromium.Page, _ name: String) {
        #expect(page.console.isEmpty, "\(name) logged to the console: \(page.console)")
        #expect(page.requests.isEmpty, "\(name) asked the network for \(page.requests)")
        #expect(page.dom.contains("<html lang=\"en\">"))
        #expect(page.dom.contains("<h1>"))
        let charts = page.dom.components(separatedBy: "<svg").dropFirst()
        for chart in charts {
            #expect(chart.contains("role=\"img\"") && chart.contains("<title") && chart.contains("<desc"), "\(name): a chart without its label: \(chart.prefix(300))")
            #expect(chart.range(of: #"data-values="[-0-9.e,]+[0-9]"#, options: .regularExpression) != nil, "\(name): a chart without numbers: \(chart.prefix(300))")
        }
    }

    @Test("the harness sees a console message and a network request (so the checks below can fail)")
    func harnessDetectsProblems() throws {
        let file = NSTemporaryDirectory() + "mlgate-bad-page-\(getpid()).html"
        try "<!DOCTYPE html><html lang=\"en\"><body><h1>x</h1><script>console.error('boom')</script><img src=\"http://example.invalid/x.png\"></body></html>"
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let page = try Chromium.load(file)
        #expect(page.console.contains { $0.contains("boom") })
        #expect(page.requests.contains("http://example.invalid/x.png"))
    }

    @Test("the challenger's report: the rejection, its reasons, and ROC curves drawn from the recorded evidence")
    func challengerReport() throws {
        let (file, page) = try page("report-challenger.html")
        expectClean(page, "report-challenger.html")
        for fact in ["reject", "fraud v0.0.3", "non_inferior(roc_auc, 0.01)", "reaches past the margin", "v0.0.1", "Candidate and champion",
                     "No approval or rejection is recorded", "Changes from v0.0.2 to v0.0.3"] {
            #expect(page.dom.contains(fact), "the report should say \(fact.debugDescription)")
        }
        for chart in ["data-chart=\"forest\"", "data-chart=\"roc\"", "data-chart=\"pr\"", "data-chart=\"calibration\"", "data-chart=\"histogram\""] {
            #expect(page.dom.contains(chart), "the report should draw \(chart)")
        }
        // The candidate's ROC curve carries exactly the points recorded in the evidence.
        let evidence = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.out + "/evidence-challenger.json"))) as! [String: Any]
        let results = evidence["results"] as! [[String: Any]]
        let performance = try #require(results.first { $0["check"] as? String == "performance" })
        let series = try #require(performance["series"] as? [[String: Any]])
        for name in ["candidate", "champion"] {
            let roc = try #require(series.first { $0["kind"] as? String == "roc" && $0["name"] as? String == name })
            let x = roc["x"] as! [Double], y = roc["y"] as! [Double]
            let drawn = try #require(values(in: page.dom, chart: "roc", series: name))
            #expect(drawn.count == x.count, "\(name): \(drawn.count) points drawn, \(x.count) recorded")
            for (i, point) in drawn.enumerated() where i < x.count {
                #expect(abs(point.0 - x[i]) < 1e-3 && abs(point.1 - y[i]) < 1e-3, "\(name) point \(i): drawn \(point), recorded (\(x[i]), \(y[i]))")
            }
        }
        // The champion's ROC-AUC in the report is the recorded one.
        #expect(page.dom.contains("champion ROC-AUC 0.8423"))
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        #expect(size < 1_000_000, "a report page stays under 1 MB (\(size) bytes)")
        try FileManager.default.createDirectory(atPath: ProjectPaths.root + "/.build", withIntermediateDirectories: true)
        try Chromium.screenshot(file, to: ProjectPaths.root + "/.build/report-screenshot.png", height: 5200)
    }

    @Test("the latest version's report shows the drifted column against its threshold, with both histograms")
    func driftReport() throws {
        let (_, page) = try page("report.html")
        expectClean(page, "report.html")
        for fact in ["fraud v0.0.4", "reject", "check input-drift warned", "amount", "drifted", "reference", "current"] {
            #expect(page.dom.contains(fact), "the report should say \(fact.debugDescription)")
        }
        for column in ["amount", "hour", "foreign"] {
            #expect(page.dom.contains("\(column): reference and current"), "a histogram of \(column)")
        }
    }

    @Test("the recorded production promotion: who approved it, over which evidence, and that it counted")
    func productionReport() throws {
        let (_, page) = try page("report-production.html")
        expectClean(page, "report-production.html")
        for fact in ["promote", "fraud v0.0.2", "Decision recorded in tag fraud#production#", "rm@example.com", "counted", "ship it", "Changes from v0.0.1 to v0.0.2",
                     "model/model.json"] {
            #expect(page.dom.contains(fact), "the report should say \(fact.debugDescription)")
        }
    }

    @Test("the site: stages at a glance, the model's timeline with the rollback, a page per version")
    func site() throws {
        let (_, index) = try page("site/index.html")
        expectClean(index, "site/index.html")
        #expect(index.dom.contains("fraud/v0.0.1.html") && index.dom.contains("analysis pass"))
        let (_, model) = try page("site/fraud/index.html")
        expectClean(model, "site/fraud/index.html")
        for fact in ["rolled back", "approved", "registered", "assigned", "v0.0.4"] { #expect(model.dom.contains(fact), "the timeline should show \(fact)") }
        let (_, version) = try page("site/fraud/v0.0.2.html")
        expectClean(version, "site/fraud/v0.0.2.html")
        #expect(version.dom.contains("rm@example.com") && version.dom.contains("data-chart=\"roc\""))
        // The stylesheet is applied (a linked file, not blocked by the page's policy).
        #expect(!version.dom.contains("Refused to load"))
    }

    @Test("make demo prints where the reports and the site are")
    func demoPrintsPaths() throws {
        let output = try Self.demo.get()
        #expect(output.contains(Self.out + "/report.html"))
        #expect(output.contains(Self.out + "/site/index.html"))
    }

    /// The (x, y) values of one series of one chart in a page.
    func values(in dom: String, chart: String, series: String) -> [(Double, Double)]? {
        guard let start = dom.range(of: "data-chart=\"\(chart)\"") else { return nil }
        let rest = dom[start.upperBound...]
        guard let tag = rest.range(of: "data-series=\"\(series)\" data-values=\"") else { return nil }
        let values = rest[tag.upperBound...].prefix { $0 != "\"" }
        return values.split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: ",")
            guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]) else { return nil }
            return (x, y)
        }
    }
}
