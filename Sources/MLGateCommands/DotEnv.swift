import Foundation

/// `KEY=VALUE` files (`--secret-file`, `--var-file`, `--env-file`): `#` comments, blank lines,
/// an optional `export `, single or double quotes (double quotes understand `\n`).
enum DotEnv {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(description: "\(path): cannot read the file; check the path")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws -> [String: String] {
        var result: [String: String] = [:]
        var lines = text.components(separatedBy: "\n")[...]
        var number = 0
        while let raw = lines.popFirst() {
            number += 1
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "="), !line[..<eq].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw FormatError(description: "\(file):\(number):1: expected NAME=VALUE")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if let quote = value.first, quote == "\"" || quote == "'" {
                // A quoted value may span lines until its closing quote.
                var body = String(value.dropFirst())
                while !body.hasSuffix(String(quote)) || body.isEmpty {
                    guard let next = lines.popFirst() else {
                        throw FormatError(description: "\(file):\(number):\(key.count + 2): unterminated \(quote) quote")
                    }
                    number += 1
                    body += "\n" + next
                }
                value = String(body.dropLast())
                if quote == "\"" {
                    value = value.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\"", with: "\"")
                }
            } else if let hash = value.range(of: " #") {
                value = String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            result[key] = value
        }
        return result
    }

    /// `K=V` command-line pairs.
    static func pairs(_ items: [String], option: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw FormatError(description: "\(option) '\(item)': expected NAME=VALUE")
            }
            result[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return result
    }
}
