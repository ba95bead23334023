import Foundation
import Runner
import Workflow

/// Finds and decodes workflow files, collecting every problem in every file.
enum WorkflowLoader {
    struct Loaded {
        var workflows: [Workflow] = []
        var diagnostics: [Diagnostic] = []
    }

    /// The nearest directory at or above `start` holding a `.git` entry: where the
    /// repository root most likely is, found without libgit2 so that workflows can be
    /// parsed while libgit2 starts. The caller confirms it through libgit2.
    static func likelyRoot(_ start: String) -> String {
        var url = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(".git").path) { return url.path }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return start }
            url = parent
        }
    }

    /// The workflow files to use: the given paths, or `.github/workflows/*.yml|yaml` under `root`.
    static func files(_ given: [String], root: String) throws -> [String] {
        if !given.isEmpty { return given }
        let dir = root + "/.github/workflows"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw ValidationFailure("no workflows: \(dir) does not exist; pass workflow files or add them there")
        }
        let files = names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { dir + "/" + $0 }
        if files.isEmpty { throw ValidationFailure("no workflows: \(dir) has no .yml or .yaml files") }
        return files
    }

    /// Decodes workflow texts (read from a revision), with the checks GitHub makes before a run.
    /// Called workflows are read from `sources` by path, else through `read`.
    static func load(sources: [(String, String)],
                     read: @escaping (String) -> String? = { _ in nil }) -> Loaded {
        var loaded = Loaded()
        let texts = Dictionary(sources, uniquingKeysWith: { first, _ in first })
        for (path, text) in sources {
            do {
                let workflow = try WorkflowDecoder.decode(text, file: path)
                // What GitHub would refuse; what only this host cannot do fails its job alone.
                let problems = ReusableWorkflowCalls.check(workflow) { texts[$0] ?? read($0) }
                if problems.isEmpty { loaded.workflows.append(workflow) } else { loaded.diagnostics += problems }
            } catch {
                loaded.diagnostics += error.diagnostics
            }
        }
        return loaded
    }

    /// Decodes each file, with the checks GitHub makes before a run; paths are shown relative to `root`.
    static func load(_ paths: [String], root: String) -> Loaded {
        var loaded = Loaded()
        for path in paths {
            let display = relative(path, to: root)
            guard let data = FileManager.default.contents(atPath: path) else {
                loaded.diagnostics.append(Diagnostic(SourceLocation(file: display, line: 1, column: 1),
                                                     "cannot read the workflow file; check the path"))
                continue
            }
            let decoded = load(sources: [(display, String(decoding: data, as: UTF8.self))]) { called in
                FileManager.default.contents(atPath: root + "/" + called).map { String(decoding: $0, as: UTF8.self) }
            }
            loaded.workflows += decoded.workflows
            loaded.diagnostics += decoded.diagnostics
        }
        return loaded
    }

    /// `path` as seen from the folder `root`: below it without a prefix, elsewhere with `../`
    /// (as far up as needed), and absolute when they share nothing but `/`.
    static func relative(_ path: String, to root: String) -> String {
        let target = components(path), base = components(root)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        guard common > 0 else { return "/" + target.joined(separator: "/") }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...]
        return parts.joined(separator: "/")
    }

    /// A path's folders and name from the root, with `.` and `..` resolved as
    /// `URL.standardizedFileURL` resolves them (without following links); relative paths
    /// are read from the current folder.
    static func components(_ path: String) -> [Substring] {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var out: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(part)
        }
        return out
    }
}

/// A usage or input problem reported with exit code 2.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
