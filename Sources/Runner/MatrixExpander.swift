import Expressions

/// Expands `strategy.matrix` into job combinations exactly as GitHub documents it: the
/// cross product of the variables in the order written, then `exclude` by partial match,
/// then each `include` entry extends every original combination it does not contradict
/// (added keys may be overwritten, original ones never) or, when it extends none, becomes a
/// combination of its own.
public enum MatrixExpander {
    /// GitHub's limit on jobs per matrix.
    public static let maxCombinations = 256

    /// A matrix that cannot be expanded.
    public struct MatrixError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Expands an evaluated matrix value into ordered combinations.
    public static func expand(_ matrix: ExpressionValue) throws(MatrixError) -> [ExpressionObject] {
        guard case .object(let object) = matrix else {
            throw MatrixError(message: "the matrix must be a mapping, got \(matrix.kindName)")
        }
        var dimensions: [(String, [ExpressionValue])] = []
        var includes: [ExpressionObject] = []
        var excludes: [ExpressionObject] = []
        for (key, value) in object.pairs {
            switch key.lowercased() {
            case "include": includes = try entries(value, "include")
            case "exclude": excludes = try entries(value, "exclude")
            default:
                guard case .array(let values) = value else {
                    throw MatrixError(message: "matrix variable '\(key)' must be a list, got \(value.kindName)")
                }
                if values.items.isEmpty {
                    throw MatrixError(message: "matrix variable '\(key)' is an empty list; a matrix must produce at least one job")
                }
                dimensions.append((key, values.items))
            }
        }

        var combinations: [[(String, ExpressionValue)]] = [[]]
        for (key, values) in dimensions {
            var next: [[(String, ExpressionValue)]] = []
            next.reserveCapacity(combinations.count * values.count)
            for combination in combinations {
                for value in values { next.append(combination + [(key, value)]) }
            }
            combinations = next
            if combinations.count > 256 * 256 {
                throw MatrixError(message: "the matrix has more than \(maxCombinations) combinations")
            }
        }
        if dimensions.isEmpty { combinations = [] }

        combinations.removeAll { combination in
            excludes.contains { exclude in
                exclude.pairs.allSatisfy { pair in
                    combination.first { $0.0.lowercased() == pair.key.lowercased() }.map { deepEquals($0.1, pair.value) } ?? false
                }
            }
        }

        let originalKeys = Set(dimensions.map { $0.0.lowercased() })
        let originalCount = combinations.count
        for include in includes {
            var matched = false
            for i in 0..<originalCount {
                let fits = include.pairs.allSatisfy { pair in
                    guard originalKeys.contains(pair.key.lowercased()) else { return true }
                    return combinations[i].first { $0.0.lowercased() == pair.key.lowercased() }.map { deepEquals($0.1, pair.value) } ?? false
                }
                guard fits else { continue }
                matched = true
                for pair in include.pairs where !originalKeys.contains(pair.key.lowercased()) {
                    if let j = combinations[i].firstIndex(where: { $0.0.lowercased() == pair.key.lowercased() }) {
                        combinations[i][j].1 = pair.value
                    } else {
                        combinations[i].append((pair.key, pair.value))
                    }
                }
            }
            if !matched { combinations.append(include.pairs.map { ($0.key, $0.value) }) }
        }

        if combinations.isEmpty {
            throw MatrixError(message: "the matrix produced no jobs (every combination was excluded)")
        }
        if combinations.count > maxCombinations {
            throw MatrixError(message: "the matrix produces \(combinations.count) jobs; GitHub allows at most \(maxCombinations)")
        }
        return combinations.map { ExpressionObject($0) }
    }

    private static func entries(_ value: ExpressionValue, _ what: String) throws(MatrixError) -> [ExpressionObject] {
        guard case .array(let items) = value else {
            throw MatrixError(message: "matrix '\(what)' must be a list of mappings")
        }
        var result: [ExpressionObject] = []
        for item in items.items {
            guard case .object(let o) = item else {
                throw MatrixError(message: "each entry of matrix '\(what)' must be a mapping, got \(item.kindName)")
            }
            result.append(o)
        }
        return result
    }

    /// Structural equality of matrix values (strings compared exactly).
    static func deepEquals(_ a: ExpressionValue, _ b: ExpressionValue) -> Bool {
        a.structurallyEquals(b)
    }

    /// GitHub's display name suffix for a combination: `(v1, v2)`, nested values as JSON.
    public static func displaySuffix(_ combination: ExpressionObject) -> String {
        let parts = combination.values.map { value -> String in
            switch value {
            case .array, .object: JSON.compact(value)
            default: value.stringValue
            }
        }
        return parts.isEmpty ? "" : "(" + parts.joined(separator: ", ") + ")"
    }
}
