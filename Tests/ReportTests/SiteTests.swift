import Foundation
import GitState
import Promotion
import Reports
@testable import ReleaseReport
import Testing
import TestSupport

/// `mlgate site` and `mlgate report` on registries written by the commands themselves.
@Suite("Registry site and report command")
struct SiteTests {
    func mlgate(_ arguments: [String], _ repo: TemporaryRepository, environment: [String: String] = [:]) throws -> ProcessRunner.Result {
        try MLGateExecutable.run(arguments + ["-C", repo.path], in: repo.path, environment: environment)
    }

    /// Two models (one in a GTO namespace), a few versions, assignments and a promotion.
    func registry() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("mlgate.yml", "stages:\n  staging: {}\n  production:\n    from: staging\n")
        for n in 1...3 {
            try repo.write("model.txt", "weights \(n)\n")
            _ = try repo.commitAll("train \(n)")
            #expect(try mlgate(["register", "churn", "--bump", "minor"], repo).status == 0)
            #expect(try mlgate(["register", "team/fraud", "--bump", "patch"], repo).status == 0)
        }
        #expect(try mlgate(["promote", "churn", "--to", "staging", "--version", "v0.1.0", "--no-deploy"], repo).status == 0)
        #expect(try mlgate(["promote", "churn", "--to", "production", "--version", "v0.1.0", "--no-deploy"], repo).status == 0)
        #expect(try mlgate(["assign", "team/fraud", "dev", "--version", "v0.0.3"], repo).status == 0)
        return repo
    }

    @Test("every page exists, every link is relative and leads to a page or stylesheet that exists")
    func linksResolve() throws {
        let repo = try registry()
        let out = repo.path + "/_site"
        let result = try mlgate(["site", out], repo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote 9 pages for 2 model(s) and 6 version(s)"))
        let files = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.hasSuffix(".html") }.sorted()
        #expect(files == ["churn/index.html", "churn/v0.0.1.html", "churn/v0.1.0.html", "churn/v0.2.0.html", "index.html",
                          "team~2ffraud/index.html", "team~2ffraud/v0.0.1.html", "team~2ffraud/v0.0.2.html", "team~2ffraud/v0.0.3.html"])
        var links = 0
        for file in files {
            let html = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
            let folder = (file as NSString).deletingLastPathComponent
            for match in html.matches(of: /(?:href|src)="([^"]*)"/) {
                let target = String(match.1)
                if target.hasPrefix("#") { continue }
                #expect(!target.contains("://") && !target.hasPrefix("/"), "\(file) links to \(target), which is not relative")
                let resolved = ((out + "/" + folder + "/" + target) as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: resolved), "\(file) links to \(target), which does not exist")
                links += 1
            }
        }
        #expect(links > 30)
        // The index: what each stage holds, since when.
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(index.contains("<a href=\"churn/v0.1.0.html\">v0.1.0 since "))
        #expect(index.contains("<th scope=\"col\">production</th>") && index.contains("<th scope=\"col\">dev</th>"))
        // The promoted version's page is its report: the recorded decision.
        let promoted = try String(contentsOfFile: out + "/churn/v0.1.0.html", encoding: .utf8)
        #expect(promoted.contains("Decision recorded in tag churn#production#"))
        #expect(promoted.contains("✓ promote"))
        let plain = try String(contentsOfFile: out + "/team~2ffraud/v0.0.1.html", encoding: .utf8)
        #expect(plain.contains("No decision or evidence is recorded for this version."))
    }

    @Test("gate inside a workflow appends the promotion report to the step summary, as Markdown")
    func stepSummary() throws {
        let repo = try registry()
        let summary = repo.path + "/summary.md"
        FileManager.default.createFile(atPath: summary, contents: Data("earlier step\n".utf8))
        let result = try mlgate(["gate", "churn", "--to", "staging", "--version", "v0.2.0"], repo, environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let text = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(text.hasPrefix("earlier step\n## churn v0.2.0 → staging\n"))
        #expect(text.contains("> **✓ promote**"))
        #expect(text.contains("| Version | v0.2.0 | v0.1.0 |"))
        #expect(text.contains("#### Changes from v0.1.0 to v0.2.0") || text.contains("### Changes from v0.1.0 to v0.2.0"))
        // Without the variable, nothing is written anywhere.
        #expect(try mlgate(["gate", "churn", "--to", "staging", "--version", "v0.2.0"], repo).status == 0)
        #expect(try String(contentsOfFile: summary, encoding: .utf8) == text)
    }

    @Test("report: Markdown on standard output; a recorded decision without a policy; bad requests are exit 2 with what to do")
    func reportCommand() throws {
        let repo = try registry()
        let markdown = try mlgate(["report", "churn", "--version", "v0.1.0", "--to", "production"], repo)
        #expect(markdown.status == 0)
        #expect(markdown.stdout.hasPrefix("# churn v0.1.0 → production\n"))
        #expect(markdown.stdout.contains("_Decision recorded in tag churn\\#production\\#") || markdown.stdout.contains("Decision recorded in tag churn#production#"))
        try FileManager.default.removeItem(atPath: repo.path + "/mlgate.yml")
        let html = repo.path + "/r.html"
        #expect(try mlgate(["report", "churn", "--version", "v0.1.0", "--to", "production", "--html", html], repo).status == 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<h1>churn v0.1.0 → production</h1>"))
        let cases: [([String], String)] = [
            (["report", "nosuch", "--to", "staging"], "no model 'nosuch' is registered"),
            (["report", "churn", "--version", "v9.0.0", "--to", "staging"], "churn has no version v9.0.0"),
            (["report", "churn", "--version", "v0.2.0", "--to", "staging"], "no decision of churn v0.2.0 for staging is recorded, and there is no policy"),
            (["report", "churn", "--version", "v0.1.0", "--to", "production", "--html", "/nonexistent/dir/r.html"], "cannot write /nonexistent/dir/r.html"),
        ]
        for (arguments, message) in cases {
            let result = try mlgate(arguments, repo)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test("a model folder that cannot be made fails the site naming it, after every other model's pages are written")
    func unwritableFolder() throws {
        let repo = try TemporaryRepository()
        try repo.write("m.txt", "w\n")
        _ = try repo.commitAll("train")
        for model in ["churn", "fraud"] {
            #expect(try mlgate(["register", model], repo).status == 0)
        }
        let out = repo.path + "/_site"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "in the way".write(toFile: out + "/churn", atomically: true, encoding: .utf8)
        let result = try mlgate(["site", out], repo)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot open \(out)/churn") && result.stderr.contains("check that the folder is writable"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/fraud/v0.0.1.html"))
    }

    @Test("an empty registry still gets an index that says how to start")
    func emptyRegistry() throws {
        let repo = try TemporaryRepository()
        try repo.write("README", "x\n")
        _ = try repo.commitAll("start")
        let out = repo.path + "/_site"
        #expect(try mlgate(["site", out], repo).status == 0)
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8).contains("No model is registered yet"))
    }
}

/// The site's fast page for a version with nothing but its history is the page the generic
/// renderer writes for the same document.
@Suite("Site pages")
struct SitePageTests {
    @Test("a plain version page written directly equals HTMLPage.render of its document, escaping included")
    func plainPageEqualsDocument() throws {
        let repo = try TemporaryRepository()
        try repo.write("m.txt", "w\n")
        _ = try repo.commitAll("train <b>&</b>")
        #expect(try MLGateExecutable.run(["register", "churn", "-m", "first \"quoted\" <release> & more", "-C", repo.path], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["assign", "churn", "dev", "--version", "v0.0.1", "-C", repo.path], in: repo.path).status == 0)
        let repository = try Repository(discovering: repo.path)
        let state = try RegistryState(repository: repository)
        let model = try #require(state.model("churn"))
        let pages = RegistrySite.ModelPages(model: model, stages: ["dev"], events: RegistryTimeline.events(of: model, repository: repository))
        let version = try #require(pages.versions.first)
        let fast = SitePages.plainVersion(version, of: pages)
        let generic = HTMLPage.render(SitePages.plainDocument(version, of: pages), style: .linked("../style.css"),
                                      navigation: SitePages.navigation(version, of: pages))
        #expect(fast == generic)
        #expect(fast.contains("first &quot;quoted&quot; &lt;release&gt; &amp; more"))
        #expect(fast.contains("<td>assigned</td><td>dev</td>"))
    }

    @Test("a model page written directly equals HTMLPage.render of its document: an unassignment, a deregistered version, a deprecation, escaping")
    func modelPageEqualsDocument() throws {
        let repo = try TemporaryRepository()
        try repo.write("m.txt", "w\n")
        _ = try repo.commitAll("one")
        #expect(try MLGateExecutable.run(["register", "churn", "-m", "a <first> & \"one\"", "-C", repo.path], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["assign", "churn", "dev", "--version", "v0.0.1", "-C", repo.path], in: repo.path).status == 0)
        try repo.write("m.txt", "w2\n")
        _ = try repo.commitAll("two")
        #expect(try MLGateExecutable.run(["register", "churn", "-C", repo.path], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["assign", "churn", "staging", "--version", "v0.0.2", "-C", repo.path], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["unassign", "churn", "dev", "--version", "v0.0.1", "-C", repo.path], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["deregister", "churn", "v0.0.1", "-C", repo.path], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["deprecate", "churn", "-C", repo.path], in: repo.path).status == 0)
        let repository = try Repository(discovering: repo.path)
        let state = try RegistryState(repository: repository)
        let model = try #require(state.model("churn"))
        let stages = ["dev", "staging", "production"]
        let pages = RegistrySite.ModelPages(model: model, stages: stages, events: RegistryTimeline.events(of: model, repository: repository))
        var fast = PageBytes()
        SitePages.model(pages, stages: stages, into: &fast)
        #expect(fast.text == SitePages.modelDocument(pages, stages: stages))
        #expect(fast.text.contains("a &lt;first&gt; &amp; &quot;one&quot;"))
        #expect(fast.text.contains("<td>deregistered</td>"))
        #expect(fast.text.contains("<dt>Deprecated</dt>"))
    }
}

/// The site's own worker threads.
@Suite("Site worker threads")
struct WorkerThreadTests {
    @Test("every job submitted runs once before finish returns, across threads; finish with no job returns")
    func runsEveryJob() {
        for threads in [1, 2, 5] {
            let workers = WorkerThreads(count: threads)
            let done = Slots<Int>(count: 2_000)
            for job in 0..<2_000 { workers.submit { done.put(job * 3, at: job) } }
            workers.finish()
            #expect(done.values == (0..<2_000).map { $0 * 3 })
        }
        let idle = WorkerThreads(count: 2)
        idle.finish()
        let partial = Slots<String>(count: 3)
        partial.put("b", at: 1)
        #expect(partial.values == ["b"])
    }
}
