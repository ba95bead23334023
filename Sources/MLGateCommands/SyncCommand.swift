import ArgumentParser
import Foundation
import Promotion

/// `mlgate sync`: share the registry, evidence and approvals with a remote.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch and push registry tags, evidence and approval notes; merges concurrent notes and never overwrites a remote tag.")

    @Argument(help: "The remote: a name (origin) or a URL or path.")
    var remote: String = "origin"

    @OptionGroup var repository: RepositoryOption

    func run() throws {
        let console = ConsoleOutput()
        let registry = try repository.open(console: console)
        let report: Sync.Report
        do { report = try Sync(repository: registry.repository).run(remote: remote) } catch { throw fail(error, console: console) }
        console.out("Synced with \(remote): \(report.fetchedTags.count) tag(s) fetched, \(report.pushedTags.count) pushed"
                    + (report.notes.isEmpty ? "" : "; notes: " + report.notes.joined(separator: ", ")))
        for (old, new) in report.renumbered { console.out("  \(old) was taken on the remote too: ours is now \(new)") }
        for conflict in report.conflicts { console.err("mlgate: \(conflict)") }
        if !report.conflicts.isEmpty { throw ExitCode(ExitStatus.failed) }
    }
}
