import Foundation

/// Expands a path pattern as a shell with `globstar` does: `*` and `?` within one path
/// segment, `[…]` classes, `**` across segments. A pattern without wildcards names one file.
public enum FileGlob {
    /// The files `pattern` matches under `directory`, sorted; paths as the pattern writes
    /// them (relative stays relative).
    public static func expand(_ pattern: String, in directory: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else { return [pattern] }
        // The fixed folder before the first wildcard is where the walk starts.
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let fixedCount = segments.firstIndex { $0.contains(where: { "*?[".contains($0) }) } ?? segments.count
        let prefix = segments[..<fixedCount].joined(separator: "/")
        let base = prefix.isEmpty ? directory : (prefix.hasPrefix("/") ? prefix : directory + "/" + prefix)
        let rest = Array(segments[fixedCount...])
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: base)
        while let relative = enumerator?.nextObject() as? String {
            let parts = relative.split(separator: "/").map(String.init)
            if matches(parts[...], rest[...]) {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    found.append(prefix.isEmpty ? relative : prefix + "/" + relative)
                }
            }
        }
        return found.sorted()
    }

    private static func matches(_ path: ArraySlice<String>, _ pattern: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            // Zero or more segments.
            var rest = path
            while true {
                if matches(rest, pattern.dropFirst()) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let segment = path.first, fnmatch(first, segment, 0) == 0 else { return false }
        return matches(path.dropFirst(), pattern.dropFirst())
    }
}
