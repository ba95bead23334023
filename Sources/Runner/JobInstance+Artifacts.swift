import Foundation

/// `actions/upload-artifact` and `actions/download-artifact`, built in: artifacts live in the
/// run's own store (below its temporary folder) for the length of the run, so jobs can hand
/// files to each other as they do on GitHub, where they share no file system.
extension JobInstance {
    var artifactStore: String { run.tempRoot + "/_artifacts" }

    /// `name` (default `artifact`), `path` (lines of paths or globs, relative to the
    /// workspace), `if-no-files-found` (`warn`, `error`, `ignore`). A folder uploads its
    /// contents; a file, itself; a glob, each match with its path from the workspace.
    func uploadArtifact(_ inputs: [String: String], step: String) -> (error: String?, outputs: [(String, String)]) {
        let name = inputs["name"].flatMap { $0.isEmpty ? nil : $0 } ?? "artifact"
        guard !name.contains("/"), !name.contains("..") else { return ("artifact name '\(name)' may not contain '/' or '..'", []) }
        let target = artifactStore + "/" + name
        let manager = FileManager.default
        if manager.fileExists(atPath: target) {
            return ("an artifact named '\(name)' was already uploaded in this run; artifact names must be unique", [])
        }
        var copied = 0
        for line in (inputs["path"] ?? "").split(separator: "\n") {
            let pattern = line.trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty, !pattern.hasPrefix("!") else { continue }
            let source = pattern.hasPrefix("/") ? pattern : run.workspace + "/" + pattern
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: source, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    copied += copyContents(of: source, into: target)
                } else {
                    copied += copy(source, to: target + "/" + URL(fileURLWithPath: source).lastPathComponent)
                }
                continue
            }
            let glob = Glob(pattern)
            for relative in (manager.enumerator(atPath: run.workspace)?.allObjects as? [String] ?? []).sorted()
            where !relative.hasPrefix(".git/") && glob.matches(relative) {
                if manager.fileExists(atPath: run.workspace + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    copied += copy(run.workspace + "/" + relative, to: target + "/" + relative)
                }
            }
        }
        if copied == 0 {
            let message = "No files were found with the provided path: \(inputs["path"] ?? ""). No artifacts will be uploaded."
            switch inputs["if-no-files-found"] ?? "warn" {
            case "error": return (message, [])
            case "ignore": break
            default: reporter.report(.log(job: label, step: step, line: "Warning: " + message))
            }
            return (nil, [])
        }
        reporter.report(.log(job: label, step: step, line: "Artifact '\(name)' has \(copied) file\(copied == 1 ? "" : "s")"))
        return (nil, [("artifact-id", name)])
    }

    /// `name` (one artifact; without it, every artifact in its own folder) into `path`
    /// (default: the workspace).
    func downloadArtifact(_ inputs: [String: String], step: String) -> (error: String?, outputs: [(String, String)]) {
        let destination = inputs["path"].flatMap { $0.isEmpty ? nil : ($0.hasPrefix("/") ? $0 : run.workspace + "/" + $0) } ?? run.workspace
        let manager = FileManager.default
        if let name = inputs["name"], !name.isEmpty {
            guard manager.fileExists(atPath: artifactStore + "/" + name) else {
                return ("Unable to download artifact(s): Artifact not found for name: \(name)", [])
            }
            let count = copyContents(of: artifactStore + "/" + name, into: destination)
            reporter.report(.log(job: label, step: step, line: "Artifact '\(name)': \(count) file\(count == 1 ? "" : "s") into \(destination)"))
        } else {
            for name in ((try? manager.contentsOfDirectory(atPath: artifactStore)) ?? []).sorted() {
                _ = copyContents(of: artifactStore + "/" + name, into: destination + "/" + name)
            }
        }
        return (nil, [("download-path", destination)])
    }

    /// Copies a folder's files (recursively) into `target`; returns how many.
    private func copyContents(of folder: String, into target: String) -> Int {
        var count = 0
        for relative in FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                count += copy(folder + "/" + relative, to: target + "/" + relative)
            }
        }
        return count
    }

    /// Copies one file, making folders; 1 when copied.
    private func copy(_ source: String, to destination: String) -> Int {
        let manager = FileManager.default
        try? manager.createDirectory(atPath: URL(fileURLWithPath: destination).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try? manager.removeItem(atPath: destination)
        return (try? manager.copyItem(atPath: source, toPath: destination)) != nil ? 1 : 0
    }
}
