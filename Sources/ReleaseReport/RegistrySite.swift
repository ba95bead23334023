import Checks
import Foundation
import GitState
import Promotion
import Reports

/// The registry as a static site: `index.html` (models × stages), `MODEL/index.html` (the
/// model's timeline and versions) and `MODEL/vX.Y.Z.html` (a page per version: its report
/// when a decision or evidence exists, else its registration and stage history). Relative
/// links only, one shared stylesheet, no script.
public struct RegistrySite {
    public let repository: Repository
    public let root: String
    public let policy: Policy?
    public let state: RegistryState
    public var now = Date()

    public init(repository: Repository, root: String, policy: Policy?, state: RegistryState) {
        (self.repository, self.root, self.policy, self.state) = (repository, root, policy, state)
    }

    /// What was written.
    public struct Written: Sendable { public let pages: Int, models: Int, versions: Int }

    /// A model's name as a folder name: `/` (GTO's namespaces) becomes `~2f`.
    public static func folder(_ model: String) -> String {
        var out = ""
        for c in model.unicodeScalars {
            if c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c == "." { out.unicodeScalars.append(c) }
            else { for b in String(c).utf8 { out += String(format: "~%02x", b) } }
        }
        return out.isEmpty || out.hasPrefix(".") ? "~" + out : out
    }

    /// Everything one model's pages need, read from git before they are written (the pages
    /// are written on other threads, which never touch the repository).
    struct ModelPages: Sendable {
        /// A class, so that the pages of a thousand versions pass each around without copying
        /// its fields.
        final class Version: Sendable {
            let name: String
            let commit: String
            let registered: RegistryStamp
            let deregistered: RegistryStamp?
            /// Its place in `versions`.
            let place: Int

            init(name: String, commit: String, registered: RegistryStamp, deregistered: RegistryStamp?, place: Int) {
                (self.name, self.commit, self.registered, self.deregistered, self.place) = (name, commit, registered, deregistered, place)
            }
        }
        let name: String
        let deprecated: RegistryStamp?
        /// Lowest first.
        let versions: [Version]
        /// What each stage holds now.
        let current: [String: StageEvent]
        let events: [RegistryEvent]
        /// The events of each registered version, oldest first: `events[eventOrder[i]]` for
        /// `i` in `eventStarts[v]..<eventStarts[v + 1]` (`v` the version's place in
        /// `versions`), kept flat rather than an array per version.
        private var eventOrder: [Int] = []
        private var eventStarts: [Int] = []
        /// Per version: the full report's document, for versions with a decision or evidence.
        var reports: [String: ReportDocument] = [:]
        var analyses: [String: CheckResult] = [:]

        /// `registered`: each version's `registered` stamp, when the caller has them already.
        init(model: ModelRecord, stages: [String], events: [RegistryEvent], registered: [RegistryStamp]? = nil) {
            name = model.name
            deprecated = model.deprecated
            let registered = registered ?? model.versions.map { $0.registered }
            precondition(registered.count == model.versions.count, "one registered stamp per version")
            versions = model.versions.indices.map { place in
                Version(name: model.versions[place].name, commit: model.versions[place].commit, registered: registered[place],
                        deregistered: model.versions[place].deregistered, place: place)
            }
            var current: [String: StageEvent] = [:]
            for stage in stages { current[stage] = model.current(in: stage) }
            self.current = current
            self.events = events
            // Counted, then placed (a counting sort that keeps each version's events in order).
            var place: [String: Int] = [:]
            place.reserveCapacity(versions.count)
            for (i, version) in versions.enumerated() { place[version.name] = i }
            let owner = events.map { place[$0.version] ?? -1 }
            var starts = [Int](repeating: 0, count: versions.count + 1)
            for v in owner where v >= 0 { starts[v + 1] += 1 }
            for v in 0..<versions.count { starts[v + 1] += starts[v] }
            var next = starts
            var order = [Int](repeating: 0, count: starts[versions.count])
            for (e, v) in owner.enumerated() where v >= 0 {
                order[next[v]] = e
                next[v] += 1
            }
            (eventOrder, eventStarts) = (order, starts)
            versionPlace = place
        }

        /// Each version's place in `versions`, by name.
        let versionPlace: [String: Int]

        /// Whether `name` is one of the model's registered versions (which have pages).
        func isVersion(_ name: String) -> Bool { versionPlace[name] != nil }

        /// The events of `version`, oldest first.
        func events(of version: Version) -> LazyMapSequence<ArraySlice<Int>, RegistryEvent> {
            eventOrder[eventStarts[version.place]..<eventStarts[version.place + 1]].lazy.map { events[$0] }
        }
    }

    public func write(to directory: String) throws(RegistryError) -> Written {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw RegistryError("cannot create \(directory): \(error.localizedDescription)")
        }
        let evidenceNoted = RegistryTimeline.notedCommits(repository, ref: EvidenceStore.notesRef)
        let approvalsNoted = RegistryTimeline.notedCommits(repository, ref: ApprovalStore.notesRef)
        let stages = stageOrder()

        // Each model is read from git here; its pages are laid out, rendered and written on
        // the worker threads while the next model is read; the index comes last.
        let files = SiteFiles()
        files.put(HTMLPage.stylesheet, directory + "/style.css")
        let writers = WorkerThreads(count: ProcessInfo.processInfo.activeProcessorCount)
        let built = Slots<ModelPages>(count: state.models.count)
        let buffers = PageBuffers()
        for (slot, model) in state.models.enumerated() {
            state.readTags(of: model)
            let reading = read(model, evidenceNoted: evidenceNoted, approvalsNoted: approvalsNoted)
            writers.submit {
                let pages = reading.pages(stages: stages)
                built.put(pages, at: slot)
                let folder = directory + "/" + Self.folder(pages.name)
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                // Pages are written by name into the open folder, from one reused buffer.
                let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0 else { return files.fail("cannot open \(folder): \(String(cString: strerror(errno)))") }
                defer { close(fd) }
                var page = buffers.take()
                defer { buffers.give(page) }
                SitePages.model(pages, stages: stages, into: &page)
                if let error = page.write(to: "index.html", in: fd) { return files.fail("cannot write \(folder)/index.html: \(error)") }
                for version in pages.versions {
                    page.reset()
                    if pages.reports[version.name] == nil {
                        SitePages.plainVersion(version, of: pages, into: &page)
                    } else {
                        page.rawText(SitePages.version(version, of: pages))
                    }
                    if let error = page.write(to: version.name + ".html", in: fd) {
                        return files.fail("cannot write \(folder)/\(version.name).html: \(error)")
                    }
                }
            }
        }
        writers.finish()
        let models = built.values
        files.put(SitePages.index(models: models, stages: stages, policy: policy, now: now), directory + "/index.html")
        ProcessLifetime.keep(models)
        if let failure = files.failure { throw RegistryError(failure + "; check that the folder is writable", usage: false) }
        let versions = models.reduce(0) { $0 + $1.versions.count }
        return Written(pages: 1 + models.count + versions, models: models.count, versions: versions)
    }

    /// What one model's pages need from git (read on the calling thread, the one that uses
    /// the repository): the signed statements on its versions, and the reports and analysis
    /// results of the versions that have them. The model's tags are read already.
    struct ModelReading: Sendable {
        let model: ModelRecord
        let statements: [ApprovalStatement]
        var reports: [String: ReportDocument] = [:]
        var analyses: [String: CheckResult] = [:]

        /// The model's pages laid out (reads nothing from git).
        func pages(stages: [String]) -> ModelPages {
            // Each version's tag is looked up once, for its page and for the timeline.
            let registered = model.versions.map { $0.registered }
            var pages = ModelPages(model: model, stages: stages, events: RegistryTimeline.events(of: model, statements: statements, registered: registered),
                                   registered: registered)
            (pages.reports, pages.analyses) = (reports, analyses)
            return pages
        }
    }

    /// One model's signed statements, and the reports of its versions that have something to
    /// report.
    func read(_ model: ModelRecord, evidenceNoted: Set<String>?, approvalsNoted: Set<String>?) -> ModelReading {
        var reading = ModelReading(model: model, statements: RegistryTimeline.statements(of: model, repository: repository, noted: approvalsNoted))
        // The stages whose assignment of a version records a decision (newest last).
        var decided: [String: String] = [:]
        for event in model.stageEvents where event.kind == .assign && RegistryStamp.mentions(event.stamp.message, "\"decision\"")
            && PromotionFacts.decision(in: event.stamp.message) != nil {
            decided[event.version] = event.stage
        }
        let evidence = EvidenceStore(repository: repository)
        for v in model.versions.indices {
            let commit = model.versions[v].commit, name = model.versions[v].name
            let hasEvidence = evidenceNoted?.contains(commit) ?? true
            let hasApprovals = approvalsNoted?.contains(commit) ?? true
            let stage = decided[name] ?? ((hasEvidence || hasApprovals) && policy != nil ? nextStage(of: name, in: model) : nil)
            if let stage, let facts = try? PromotionFacts.gather(repository: repository, root: root, policy: policy, state: state,
                                                                 model: model.name, version: name, stage: stage, now: now) {
                reading.reports[name] = PromotionReport.document(facts)
            }
            if hasEvidence, let results = try? evidence.results(on: commit) {
                for result in results where result.check.hasPrefix("analysis-") && (result.model == nil || result.model == model.name) {
                    reading.analyses[name + "#" + String(result.check.dropFirst("analysis-".count))] = result
                }
            }
        }
        return reading
    }

    /// The stages as columns: the policy's order, then any other stage the tags use.
    func stageOrder() -> [String] {
        var out = policy?.stages.map(\.name) ?? []
        var used: [String] = []
        for model in state.models { for stage in model.stages where !used.contains(stage) { used.append(stage) } }
        let known = Policy.defaultStageNames
        for stage in used.sorted(by: { (known.firstIndex(of: $0) ?? 99, $0) < (known.firstIndex(of: $1) ?? 99, $1) }) where !out.contains(stage) {
            out.append(stage)
        }
        return out
    }

    /// The first stage, in the policy's order, that does not hold `version` (after the last
    /// one that does): where the version would go next.
    func nextStage(of version: String, in model: ModelRecord) -> String? {
        guard let stages = policy?.stages.map(\.name), !stages.isEmpty else { return nil }
        let held = stages.lastIndex { model.current(in: $0)?.version == version }
        let next = held.map { $0 + 1 } ?? 0
        return next < stages.count ? stages[next] : stages[held!]
    }
}

/// One value per slot, put from several threads.
final class Slots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func put(_ value: Value, at slot: Int) { lock.withLock { slots[slot] = value } }

    /// The values put, in slot order.
    var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}

/// Page buffers handed from one job to the next: a model's page of a thousand versions takes
/// half a megabyte, which a fresh buffer per model would map and fault in page by page.
final class PageBuffers: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [PageBytes] = []

    /// A buffer, emptied (a new one when none is free).
    func take() -> PageBytes {
        var page = lock.withLock { free.popLast() } ?? PageBytes(capacity: 1 << 16)
        page.reset()
        return page
    }

    /// Gives a buffer back once its page is written.
    func give(_ page: PageBytes) { lock.withLock { free.append(page) } }
}

/// Writes the site's files from several threads, keeping the first failure.
final class SiteFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var first: String?

    var failure: String? { lock.withLock { first } }

    @Sendable func put(_ text: String, _ path: String) {
        var text = text
        if let error = text.withUTF8({ PageBytes.write(UnsafeRawBufferPointer($0), to: path, in: AT_FDCWD) }) {
            fail("cannot write \(path): \(error)")
        }
    }

    /// Records a failure (the first one is reported).
    func fail(_ message: String) { lock.withLock { first = first ?? message } }
}
