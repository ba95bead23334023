import Testing
@testable import Workflow

/// GitHub's documented filter-pattern examples ("Filter pattern cheat sheet" in the
/// workflow syntax reference), as tables.
@Suite("Filter patterns")
struct FilterPatternTests {
    static let branchAndTagExamples: [(String, [String], [String])] = [
        ("feature/*", ["feature/my-branch", "feature/your-branch"], ["feature/beta-a/my-branch", "main"]),
        ("feature/**", ["feature/beta-a/my-branch", "feature/your-branch", "feature/mona/the/octocat"], ["main", "features/x"]),
        ("main", ["main"], ["main2", "my-main"]),
        ("releases/mona-the-octocat", ["releases/mona-the-octocat"], ["releases/mona"]),
        ("*", ["main", "releases"], ["releases/10"]),
        ("**", ["all/the/branches", "every/tag", "main"], []),
        ("*feature", ["mona-feature", "feature", "ver-10-feature"], ["feature-x"]),
        ("v2*", ["v2", "v2.0", "v2.9"], ["v3", "1v2"]),
        ("v[12].[0-9]+.[0-9]+", ["v1.10.1", "v2.0.0"], ["v3.0.0", "v1.x.1", "v1.10"]),
        ("Octoc\\+t", ["Octoc+t"], ["Octoccct"]),
    ]

    static let pathExamples: [(String, [String], [String])] = [
        ("*", ["README.md", "server.rb"], ["docs/README.md"]),
        ("*.jsx?", ["page.js", "page.jsx"], ["page.jsxx", "src/page.js"]),
        ("**", ["all/the/files.md"], []),
        ("*.js", ["app.js", "index.js"], ["js/index.js"]),
        ("**.js", ["index.js", "js/index.js", "src/js/app.js"], ["index.jsx"]),
        ("docs/*", ["docs/README.md", "docs/file.txt"], ["docs/sub/file.txt"]),
        ("docs/**", ["docs/README.md", "docs/mona/octocat.txt"], ["README.md"]),
        ("docs/**/*.md", ["docs/README.md", "docs/mona/hello-world.md", "docs/a/markdown/file.md"], ["docs/a.txt"]),
        ("**/docs/**", ["docs/hello.md", "dir/docs/my-file.txt", "space/docs/plan/space.doc"], ["documents/a.md"]),
        ("**/README.md", ["README.md", "js/README.md"], ["README.mdx"]),
        ("**/*src/**", ["a/src/app.js", "my-src/code/js/app.js"], ["source/app.js"]),
        ("**/*-post.md", ["my-post.md", "path/their-post.md"], ["post.md"]),
        ("**/migrate-*.sql", ["migrate-10909.sql", "db/migrate-v1.0.sql", "db/sept/migrate-v1.sql"], ["migrate.sql"]),
    ]

    @Test(arguments: branchAndTagExamples + pathExamples)
    func documentedExample(pattern: String, matches: [String], misses: [String]) throws {
        let p = try FilterPattern(pattern)
        for text in matches { #expect(p.matches(text), "\(pattern) should match \(text)") }
        for text in misses { #expect(!p.matches(text), "\(pattern) should not match \(text)") }
    }

    @Test("patterns are evaluated in order: later ones override earlier ones")
    func orderSensitive() throws {
        let mdButReadme = try ["*.md", "!README.md"].map { try FilterPattern($0) }
        #expect(FilterPattern.evaluate(mdButReadme, "hello.md"))
        #expect(!FilterPattern.evaluate(mdButReadme, "README.md"))
        #expect(!FilterPattern.evaluate(mdButReadme, "docs/hello.md"))
        let reincluded = try ["*.md", "!README.md", "README*"].map { try FilterPattern($0) }
        #expect(FilterPattern.evaluate(reincluded, "hello.md"))
        #expect(FilterPattern.evaluate(reincluded, "README.md"))
        #expect(FilterPattern.evaluate(reincluded, "README.doc"))
    }

    @Test("malformed patterns are reported where they are written", arguments: ["[abc", "+x", "a\\", "[a.b]"])
    func malformed(pattern: String) {
        #expect(throws: FilterPattern.InvalidPattern.self) { try FilterPattern(pattern) }
    }
}

/// GitHub's rules for combining filters into "does this workflow run".
@Suite("Trigger decisions")
struct TriggerDecisionTests {
    func workflow(_ on: String) throws -> Workflow {
        try WorkflowDecoder.decode("on:\n\(on)\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n", file: "w.yml")
    }

    func runs(_ w: Workflow, _ event: String, _ ref: String, _ paths: [String]? = nil, activity: String? = nil) -> Bool {
        w.decide(for: EventFacts(event: event, ref: ref, changedPaths: paths, activity: activity)).runs
    }

    @Test("branch filters, ignores and negation")
    func branches() throws {
        let w = try workflow("  push:\n    branches: [main, 'releases/**', '!releases/**-alpha']")
        #expect(runs(w, "push", "refs/heads/main"))
        #expect(runs(w, "push", "refs/heads/releases/10"))
        #expect(!runs(w, "push", "refs/heads/releases/10-alpha"))
        #expect(!runs(w, "push", "refs/heads/feature"))
        let ignore = try workflow("  push:\n    branches-ignore: ['mona/octocat', 'releases/**-alpha']")
        #expect(runs(ignore, "push", "refs/heads/main"))
        #expect(!runs(ignore, "push", "refs/heads/releases/beta/3-alpha"))
    }

    @Test("filtering only branches means tag pushes do not run it, and the reverse")
    func onlyOneKindOfRef() throws {
        let branchesOnly = try workflow("  push:\n    branches: ['**']")
        #expect(!runs(branchesOnly, "push", "refs/tags/v1"))
        let tagsOnly = try workflow("  push:\n    tags: ['v*']")
        #expect(runs(tagsOnly, "push", "refs/tags/v1.2"))
        #expect(!runs(tagsOnly, "push", "refs/heads/main"))
        let both = try workflow("  push:\n    branches: [main]\n    tags: ['v*']")
        #expect(runs(both, "push", "refs/heads/main"))
        #expect(runs(both, "push", "refs/tags/v2"))
        let none = try workflow("  push:")
        #expect(runs(none, "push", "refs/tags/anything"))
    }

    @Test("paths: one matching file runs it; paths-ignore skips only when every file is ignored; tags ignore paths")
    func paths() throws {
        let w = try workflow("  push:\n    paths: ['**.js', '!legacy/**']")
        #expect(runs(w, "push", "refs/heads/main", ["README.md", "src/app.js"]))
        #expect(!runs(w, "push", "refs/heads/main", ["README.md", "legacy/old.js"]))
        #expect(!runs(w, "push", "refs/heads/main", []))
        #expect(runs(w, "push", "refs/tags/v1", ["README.md"]))
        let ignore = try workflow("  push:\n    paths-ignore: ['docs/**']")
        #expect(!runs(ignore, "push", "refs/heads/main", ["docs/a.md", "docs/b/c.md"]))
        #expect(runs(ignore, "push", "refs/heads/main", ["docs/a.md", "src/x.swift"]))
        let withBranches = try workflow("  push:\n    branches: [main]\n    paths: ['src/**']")
        #expect(!runs(withBranches, "push", "refs/heads/dev", ["src/a"]))
        #expect(!runs(withBranches, "push", "refs/heads/main", ["docs/a"]))
        #expect(runs(withBranches, "push", "refs/heads/main", ["src/a"]))
    }

    @Test("pull_request filters the base branch and defaults its types")
    func pullRequests() throws {
        let w = try workflow("  pull_request:\n    branches: [main]")
        #expect(runs(w, "pull_request", "refs/heads/main", activity: "opened"))
        #expect(!runs(w, "pull_request", "refs/heads/main", activity: "closed"))
        #expect(!runs(w, "pull_request", "refs/heads/dev", activity: "opened"))
        let closed = try workflow("  pull_request:\n    types: [closed]")
        #expect(runs(closed, "pull_request", "refs/heads/main", activity: "closed"))
        #expect(!runs(w, "push", "refs/heads/main"))
    }

    @Test("an invalid pattern is a workflow error with its position")
    func invalidPatternInWorkflow() {
        #expect {
            try WorkflowDecoder.decode("on:\n  push:\n    branches: ['release/[0-9']\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n", file: "w.yml")
        } throws: { error in
            (error as? WorkflowError)?.diagnostics.first.map { "\($0)".hasPrefix("w.yml:3:15: unclosed '['") } == true
        }
    }
}
