/// A mapping node's pairs by key, after its keys were checked.
public struct MappingView {
    public let pairs: [(String, YAMLNode)]
    public init(pairs: [(String, YAMLNode)]) { self.pairs = pairs }
    public subscript(key: String) -> YAMLNode? { pairs.first { $0.0 == key }?.1 }
}

/// Reads typed values out of YAML nodes, collecting a diagnostic for every problem instead
/// of stopping at the first. Decoders (workflows, actions, the policy) adopt it.
public protocol YAMLReader {
    var diagnostics: [Diagnostic] { get set }
}

extension YAMLReader {
    /// Records a problem at `node`.
    public mutating func report(_ node: YAMLNode, _ message: String, rule: String = "syntax-check") {
        diagnostics.append(Diagnostic(node.location, message, rule: rule))
    }

    /// Checks `node` is a mapping with string keys from `keys`; reports anything else, with
    /// `hints` for keys users often put at the wrong level, or the closest known key.
    public mutating func mapping(_ node: YAMLNode, _ what: String, keys: [String], hints: [String: String] = [:]) -> MappingView? {
        guard case .mapping(let pairs) = node.content else {
            report(node, "\(what) must be a mapping, not \(node.kindName)")
            return nil
        }
        var result: [(String, YAMLNode)] = []
        for (k, v) in pairs {
            guard let key = k.scalar else {
                report(k, "keys of \(what) must be strings")
                continue
            }
            guard keys.contains(key) else {
                var message = "unknown key '\(key)' in \(what)"
                if let hint = hints[key] { message += "; \(hint)" }
                else if let close = closestWord(key, in: keys) { message += "; did you mean '\(close)'?" }
                else { message += "; expected one of: \(keys.joined(separator: ", "))" }
                report(k, message)
                continue
            }
            result.append((key, v))
        }
        return MappingView(pairs: result)
    }

    public mutating func string(_ node: YAMLNode, _ what: String) -> String? {
        guard let s = node.scalar else {
            report(node, "\(what) must be a string, not \(node.kindName)")
            return nil
        }
        return s
    }

    public mutating func stringList(_ node: YAMLNode, _ what: String) -> [String] {
        switch node.content {
        case .scalar(let s, _): return [s]
        case .sequence(let items): return items.compactMap { string($0, "an entry of '\(what)'") }
        case .mapping:
            report(node, "'\(what)' must be a string or a list of strings")
            return []
        }
    }

    public mutating func boolean(_ node: YAMLNode, _ what: String) -> Bool {
        guard case .scalar(let s, false) = node.content, s == "true" || s == "false" else {
            report(node, "'\(what)' must be true or false")
            return false
        }
        return s == "true"
    }

    /// A whole number within `range`, or nil (reported).
    public mutating func integer(_ node: YAMLNode, _ what: String, in range: ClosedRange<Int> = 0...Int.max) -> Int? {
        guard case .scalar(let s, false) = node.content, let value = Int(s), range.contains(value) else {
            report(node, "'\(what)' must be a whole number" + (range.upperBound == Int.max ? " of at least \(range.lowerBound)" : " from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return value
    }
}

/// The candidate within edit distance 2 of `word`, for "did you mean".
public func closestWord(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let temp = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = temp
            }
        }
        return row[b.count]
    }
    let w = Array(word.lowercased())
    return candidates.map { ($0, distance(w, Array($0))) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
}
