import Foundation

/// The `NAME=value` / `NAME<<DELIMITER` format of `GITHUB_ENV`, `GITHUB_OUTPUT` and
/// `GITHUB_STATE`, parsed exactly as GitHub's runner does (LF line ends; a heredoc value
/// ends before the newline preceding its delimiter line).
public enum EnvironmentFile {
    /// A malformed file; the step that wrote it fails with this message.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Parses the file's text into ordered pairs (a later pair for the same name wins).
    public static func parse(_ text: String) throws(FormatError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        let utf8 = Array(text.utf8)
        var index = 0

        /// The next line and where its line break starts (nil at the end).
        func readLine() -> (line: String, breakAt: Int?)? {
            guard index < utf8.count else { return nil }
            let start = index
            if let lf = utf8[start...].firstIndex(of: 0x0A) {
                index = lf + 1
                return (String(decoding: utf8[start..<lf], as: UTF8.self), lf)
            }
            index = utf8.count
            return (String(decoding: utf8[start...], as: UTF8.self), nil)
        }

        while let (line, _) = readLine() {
            if line.isEmpty { continue }
            let equals = line.range(of: "=")?.lowerBound
            let heredoc = line.range(of: "<<")?.lowerBound
            if let equals, heredoc == nil || equals < heredoc! {
                let name = String(line[..<equals])
                if name.isEmpty {
                    throw FormatError(message: "Invalid format '\(line)'. Name must not be empty")
                }
                pairs.append((name, String(line[line.index(after: equals)...])))
            } else if let heredoc {
                let name = String(line[..<heredoc])
                let delimiter = String(line[line.index(heredoc, offsetBy: 2)...])
                if name.isEmpty || delimiter.isEmpty {
                    throw FormatError(message: "Invalid format '\(line)'. Name must not be empty and delimiter must not be empty")
                }
                let valueStart = index
                var valueEnd = index
                while true {
                    guard let (next, breakAt) = readLine() else {
                        throw FormatError(message: "Invalid value. Matching delimiter not found '\(delimiter)'")
                    }
                    if next == delimiter { break }
                    guard let breakAt else {
                        throw FormatError(message: "Invalid value. Matching delimiter not found '\(delimiter)'")
                    }
                    valueEnd = breakAt
                }
                let value = valueEnd > valueStart ? String(decoding: utf8[valueStart..<valueEnd], as: UTF8.self) : ""
                pairs.append((name, value))
            } else {
                throw FormatError(message: "Invalid format '\(line)'")
            }
        }
        return pairs
    }

    /// Reads and parses a file; a missing file is empty.
    public static func read(_ path: String) throws(FormatError) -> [(String, String)] {
        guard let text = ScratchFile.read(path), !text.isEmpty else { return [] }
        return try parse(text)
    }

    /// The non-empty lines of a `GITHUB_PATH` file.
    public static func readPathEntries(_ path: String) -> [String] {
        guard let text = ScratchFile.read(path), !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            .filter { !$0.isEmpty }
    }
}
