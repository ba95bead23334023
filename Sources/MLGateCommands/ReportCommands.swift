import ArgumentParser
import Foundation
import GitState
import Promotion
import ReleaseReport
import Reports

extension PolicyOptions {
    /// The registry, root and policy — the policy only when its file exists (a recorded
    /// decision can be reported without one); a policy with problems is exit 2.
    func openLenient(console: ConsoleOutput) throws -> (Registry, String, Policy?) {
        let registry = try repository.open(console: console)
        let path = policy.hasPrefix("/") ? policy : registry.root + "/" + policy
        guard FileManager.default.fileExists(atPath: path) else { return (registry, registry.root, nil) }
        return try open(console: console)
    }
}

/// `mlgate report`: the page a release manager reads before approving.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the promotion report of a model version: the decision and its reasons, candidate against champion, every check with charts, approvals, and what changed.",
        discussion: """
            The decision recorded in the version's assignment to the stage is reported when there is one (a past \
            promotion or rollback); otherwise, or with --evaluate, the gate decides now. Every number comes from git: \
            tags, evidence notes and approval notes. Without --html or --markdown, Markdown goes to standard output.
            """)

    @Argument(help: "The model.")
    var name: String

    @Option(name: .long, help: "The version (default: the latest).")
    var version: String?

    @Option(name: .long, help: "The stage the version enters.")
    var to: String

    @Option(name: .long, help: "Write a self-contained HTML page here.")
    var html: String?

    @Option(name: .long, help: "Write Markdown here (- for standard output).")
    var markdown: String?

    @Flag(name: .long, help: "Evaluate the gate now even when a decision is recorded.")
    var evaluate = false

    @OptionGroup var context: PolicyOptions

    func run() throws {
        let console = ConsoleOutput()
        let (registry, root, policy) = try context.openLenient(console: console)
        let state = try load(registry, console: console)
        let facts: PromotionFacts
        do {
            facts = try PromotionFacts.gather(repository: registry.repository, root: root, policy: policy, state: state, model: name,
                                              version: version, stage: to, evaluate: evaluate)
        } catch {
            throw fail(error, console: console)
        }
        let document = PromotionReport.document(facts)
        if html == nil, markdown == nil {
            console.out(MarkdownPage.render(document), terminator: "")
            return
        }
        if let html { try write(HTMLPage.render(document), to: html, console: console) }
        if let markdown {
            if markdown == "-" { console.out(MarkdownPage.render(document), terminator: "") } else {
                try write(MarkdownPage.render(document), to: markdown, console: console)
            }
        }
    }
}

/// `mlgate site`: the registry as static pages.
struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Write a static site of the registry: models × stages, each model's timeline, and a page per version (its report). Relative links only: publish DIR on any static host.")

    @Argument(help: "The folder to write (created; pages already there are replaced).")
    var directory: String

    @OptionGroup var context: PolicyOptions

    func run() throws {
        let console = ConsoleOutput()
        let (registry, root, policy) = try context.openLenient(console: console)
        let state = try load(registry, console: console)
        let out = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        do {
            let written = try RegistrySite(repository: registry.repository, root: root, policy: policy, state: state).write(to: out)
            console.out("wrote \(written.pages) pages for \(written.models) model(s) and \(written.versions) version(s) to \(directory)/index.html")
        } catch {
            throw fail(error, console: console)
        }
    }
}

/// Writes `text` to `path` atomically; a failure is exit 2 naming the path.
func write(_ text: String, to path: String, console: ConsoleOutput) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        console.err("mlgate: cannot write \(path): \(error.localizedDescription); check that its folder exists and is writable")
        throw ExitCode(ExitStatus.invalid)
    }
}

/// The promotion report appended to `$GITHUB_STEP_SUMMARY` when `gate` or `promote` runs
/// inside a workflow (mlgate run, or GitHub's runner). Problems are warnings: the decision
/// stands without its summary.
enum StepSummary {
    static func append(_ decision: Decision, registry: Registry, root: String, policy: Policy, console: ConsoleOutput) {
        guard let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        do {
            let state = try registry.state()
            let facts = try PromotionFacts.gather(repository: registry.repository, root: root, policy: policy, state: state,
                                                  model: decision.model, version: decision.version, stage: decision.to, decided: decision)
            let text = MarkdownPage.render(PromotionReport.document(facts), headingLevel: 2)
            guard let handle = FileHandle(forWritingAtPath: path) else {
                console.err("mlgate: warning: cannot open $GITHUB_STEP_SUMMARY (\(path)); the report is not in the step summary")
                return
            }
            defer { try? handle.close() }
            _ = try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            console.err("mlgate: warning: the promotion report was not added to the step summary: \(error)")
        }
    }
}
