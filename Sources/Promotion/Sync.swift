import Checks
import Foundation
import GitState

/// Shares the registry with a remote: registry tags, evidence and approval notes.
///
/// Fetches into a private namespace (`refs/mlgate/remotes/NAME/…`), then reconciles:
/// - a remote tag that is missing here is taken;
/// - a stage tag that both sides made with the same name (two clones took the same counter)
///   keeps the remote's, and ours is made again with a new counter, so no assignment is lost
///   and no remote tag is overwritten;
/// - a version registered on different commits on each side is reported and not pushed;
/// - notes are merged per commit (evidence per model and check, the newer result winning;
///   approvals as a union) on top of the remote's notes, so the push is a fast-forward.
/// Then pushes what the remote lacks, without force; a push refused because the remote moved
/// meanwhile starts the round again.
public struct Sync {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// What a sync did.
    public struct Report: Sendable {
        public var fetchedTags: [String] = []
        public var pushedTags: [String] = []
        /// Our stage tags that were made again with a new counter: (old, new).
        public var renumbered: [(String, String)] = []
        /// Version tags that point at different commits here and on the remote.
        public var conflictedTags: Set<String> = []
        /// What to do about each conflicted tag.
        public var conflicts: [String] {
            conflictedTags.sorted().map { "\($0) points at different commits here and on the remote; the remote's is not taken and ours is not pushed: deregister one of them" }
        }
        /// Notes refs merged or pushed.
        public var notes: [String] = []
    }

    static let notesRefs = [EvidenceStore.notesRef, ApprovalStore.notesRef]

    public func run(remote: String) throws(RegistryError) -> Report {
        try Self.checkRemote(remote, in: repository)
        var report = Report()
        let mirror = "refs/mlgate/remotes/" + String(remote.map { $0.isLetter || $0.isNumber ? $0 : "_" }) + "/"
        /// Where the remote's copy of one of our refs is kept.
        func mirrored(_ ref: String) -> String { mirror + String(ref.dropFirst("refs/".count)) }
        for _ in 0..<20 {
            do {
                for (ref, id) in try repository.referenceTargets(under: mirror) { try? repository.deleteReference(ref, expecting: id) }
                try repository.fetch(from: remote, refspecs: ["+refs/tags/*:\(mirror)tags/*", "+refs/notes/*:\(mirror)notes/*"])
            } catch {
                throw RegistryError("cannot fetch from \(remote): \(error.message)", usage: false)
            }
            let remoteTags = try reconcileTags(mirror: mirror, report: &report)
            for ref in Self.notesRefs { try mergeNotes(ref, remoteTip: try? repository.target(of: mirrored(ref)), report: &report) }

            // Push what the remote lacks.
            var specs: [String] = []
            var tagsToPush: [String] = []
            for (name, _) in (try? repository.tagNames(where: { RegistryTag(parsing: $0) != nil })) ?? [] where !report.conflictedTags.contains(name) {
                if remoteTags[mirror + "tags/" + name] == nil {
                    specs.append("refs/tags/\(name):refs/tags/\(name)")
                    tagsToPush.append(name)
                }
            }
            for ref in Self.notesRefs {
                let local = try? repository.target(of: ref), remoteTip = try? repository.target(of: mirrored(ref))
                if let local, local != remoteTip { specs.append("\(ref):\(ref)") }
            }
            let refused: [String: String]
            do { refused = try repository.push(to: remote, refspecs: specs) } catch where error.isNotFastForward {
                continue  // the remote moved since the fetch: another round
            } catch {
                throw RegistryError("cannot push to \(remote): \(error.message)", usage: false)
            }
            report.pushedTags += tagsToPush.filter { refused["refs/tags/" + $0] == nil }
            report.notes += Self.notesRefs.filter { ref in specs.contains("\(ref):\(ref)") && refused[ref] == nil }
            if refused.isEmpty { return report }
        }
        throw RegistryError("the remote kept changing while syncing; run mlgate sync again", usage: false)
    }

    // MARK: Tags

    /// Takes, renumbers or reports the remote's registry tags; returns the remote's tags (by
    /// their mirrored ref names).
    private func reconcileTags(mirror: String, report: inout Report) throws(RegistryError) -> [String: String] {
        let remoteTags: [String: String]
        let localTags: [String: String]
        do {
            remoteTags = try repository.referenceTargets(under: mirror + "tags/")
            localTags = try repository.referenceTargets(under: "refs/tags/")
        } catch { throw RegistryError("\(error)", usage: false) }
        let registry = Registry(repository: repository)
        // First take what we lack, so that new counters below exceed every remote one.
        var clashes: [(name: String, tag: RegistryTag, localID: String, remoteID: String)] = []
        for (mirrored, remoteID) in remoteTags.sorted(by: { $0.key < $1.key }) {
            let name = String(mirrored.dropFirst((mirror + "tags/").count))
            guard let tag = RegistryTag(parsing: name) else { continue }
            let local = "refs/tags/" + name
            if let localID = localTags[local] {
                if localID != remoteID { clashes.append((name, tag, localID, remoteID)) }
                continue
            }
            do { try repository.updateReference(local, to: remoteID, expecting: nil, message: "mlgate sync: \(name)") } catch {
                throw RegistryError("cannot take tag \(name): \(error)", usage: false)
            }
            report.fetchedTags.append(name)
        }
        for (name, tag, localID, remoteID) in clashes {
            let local = "refs/tags/" + name
            switch tag.action {
            case .assign(let stage), .unassign(let stage):
                // Ours was never published under this name: make it again with a new counter.
                do {
                    let ours = try repository.tagRecord(name: name, id: localID)
                    try repository.deleteReference(local, expecting: localID)
                    try repository.updateReference(local, to: remoteID, expecting: nil, message: "mlgate sync: \(name)")
                    let again: RegistryTag
                    if case .assign = tag.action {
                        again = try registry.assign(tag.model, stage: stage, commit: ours.commit, message: ours.message)
                    } else {
                        again = try registry.unassign(tag.model, stage: stage, commit: ours.commit, message: ours.message)
                    }
                    report.renumbered.append((name, again.description))
                } catch let error as RegistryError {
                    throw error
                } catch {
                    throw RegistryError("cannot renumber \(name): \(error)", usage: false)
                }
            default:
                report.conflictedTags.insert(name)
            }
        }
        return remoteTags
    }

    // MARK: Notes

    private func mergeNotes(_ ref: String, remoteTip: String?, report: inout Report) throws(RegistryError) {
        guard let remoteTip else { return }
        do {
            guard let localTip = try repository.target(of: ref) else {
                try repository.updateReference(ref, to: remoteTip, expecting: nil, message: "mlgate sync: notes")
                return
            }
            let base = localTip == remoteTip ? localTip : try repository.mergeBase(localTip, remoteTip)
            if base == remoteTip { return }  // the same, or ours is ahead
            if base == localTip {
                try repository.updateReference(ref, to: remoteTip, expecting: localTip, message: "mlgate sync: notes")
                return
            }
            // Diverged: our documents merged onto the remote's notes, one commit per object.
            let identity = repository.identity()
            var tip = remoteTip
            let objects = Set(try repository.notedObjects(inNotesCommit: localTip))
            for object in objects.sorted() {
                guard let ours = try repository.note(on: object, inNotesCommit: localTip) else { continue }
                let theirs = try repository.note(on: object, inNotesCommit: remoteTip)
                let merged = try Self.merge(ref, object: object, ours: ours, theirs: theirs)
                if merged != theirs {
                    tip = try repository.notesCommit(parent: tip, object: object, text: merged, authorName: identity.name, authorEmail: identity.email)
                }
            }
            try repository.updateReference(ref, to: tip, expecting: localTip, message: "mlgate sync: merged notes")
            report.notes.append(ref + " (merged)")
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError("cannot merge \(ref): \(error)", usage: false)
        }
    }

    /// A remote that names nothing is the user's to fix (exit 2): a name with no such remote
    /// configured, or a local path that does not exist.
    static func checkRemote(_ remote: String, in repository: Repository) throws(RegistryError) {
        if repository.remoteURL(remote) != nil { return }
        let isURL = remote.contains("://") || (remote.contains(":") && !remote.hasPrefix("/") && !remote.hasPrefix("."))
        if isURL { return }
        let looksLikePath = remote.hasPrefix("/") || remote.hasPrefix(".") || remote.contains("/")
        if !looksLikePath {
            throw RegistryError("this repository has no remote named '\(remote)'; add it (git remote add \(remote) URL) or give a URL or path: mlgate sync URL")
        }
        if !FileManager.default.fileExists(atPath: remote) {
            throw RegistryError("the remote \(remote) does not exist; give the path or URL of a git repository")
        }
    }

    /// One object's note from both sides, merged.
    static func merge(_ ref: String, object: String, ours: String, theirs: String?) throws -> String {
        guard let theirs else { return ours }
        if ref == EvidenceStore.notesRef {
            typealias Store = NotesStore<EvidenceStore.Document>
            var results = try Store.decode(theirs, commit: object, ref: ref, what: "evidence").results
            for result in try Store.decode(ours, commit: object, ref: ref, what: "evidence").results {
                if let index = results.firstIndex(where: { $0.check == result.check && $0.model == result.model }) {
                    if (result.startedAt, result.digest) > (results[index].startedAt, results[index].digest) { results[index] = result }
                } else {
                    results.append(result)
                }
            }
            results.sort { ($0.model ?? "", $0.check) < ($1.model ?? "", $1.check) }
            return Store.encode(EvidenceStore.Document(results: results))
        }
        typealias Store = NotesStore<ApprovalStore.Document>
        var approvals = try Store.decode(theirs, commit: object, ref: ref, what: "approvals").approvals
        for approval in try Store.decode(ours, commit: object, ref: ref, what: "approvals").approvals where !approvals.contains(approval) { approvals.append(approval) }
        return Store.encode(ApprovalStore.Document(approvals: approvals))
    }
}
