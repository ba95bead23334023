import Foundation

/// A rule over metrics, as written in `--rule` or `mlgate.yml`:
///
/// - absolute: `roc_auc >= 0.85`, `latency_p95_ms <= 50`
/// - against the champion: `f1 >= champion - 0.01`, `recall >= champion * 0.98`
/// - statistical, on the same rows as the champion: `non_inferior(roc_auc, 0.01)` (the
///   confidence interval of candidate − champion stays above −0.01, or below +0.01 for a
///   metric where lower is better) and `superior(f1)` (the interval excludes 0 on the
///   better side; for accuracy McNemar's test must agree)
/// - per slice: `per_slice(recall) >= 0.7`: every value of the `--slice` column.
public struct MetricRule: Sendable, Equatable {
    public enum Comparison: String, Sendable { case ge = ">=", le = "<=", gt = ">", lt = "<", eq = "==", ne = "!=" }

    /// What the value is compared with.
    public enum Bound: Sendable, Equatable {
        case number(Double)
        /// champion + offset, or champion × factor.
        case champion(offset: Double, factor: Double)
    }

    public enum Kind: Sendable, Equatable {
        case compare(Comparison, Bound)
        case nonInferior(margin: Double)
        case superior
    }

    public let text: String
    public let metric: String
    public let kind: Kind
    public let perSlice: Bool

    /// Parses `text`; the error says what is wrong and shows the forms.
    public init(_ text: String) throws(CheckFailure) {
        self.text = text.trimmingCharacters(in: .whitespaces)
        var scanner = RuleScanner(self.text)
        func fail(_ what: String) -> CheckFailure {
            CheckFailure("rule '\(text)': \(what); write METRIC >= NUMBER, METRIC >= champion - NUMBER, non_inferior(METRIC, MARGIN), superior(METRIC) or per_slice(METRIC) >= NUMBER")
        }
        guard let first = scanner.name() else { throw fail("it does not start with a metric") }
        if first == "non_inferior" || first == "superior" {
            guard scanner.take("("), let metric = scanner.name() else { throw fail("\(first)( needs a metric") }
            if first == "non_inferior" {
                guard scanner.take(","), let margin = scanner.number(), margin >= 0 else { throw fail("non_inferior needs a margin of 0 or more") }
                kind = .nonInferior(margin: margin)
            } else {
                kind = .superior
            }
            guard scanner.take(")"), scanner.atEnd else { throw fail("unexpected text after \(first)(…)") }
            self.metric = metric
            perSlice = false
            return
        }
        var metric = first
        var perSlice = false
        if first == "per_slice" {
            guard scanner.take("("), let inner = scanner.name(), scanner.take(")") else { throw fail("per_slice( needs a metric") }
            metric = inner
            perSlice = true
        }
        guard let op = scanner.comparison() else { throw fail("no comparison (>=, <=, >, <, ==, !=) after '\(metric)'") }
        let bound: Bound
        if scanner.takeWord("champion") {
            if scanner.atEnd {
                bound = .champion(offset: 0, factor: 1)
            } else if scanner.take("-") || scanner.take("+") {
                let sign: Double = scanner.lastTaken == "-" ? -1 : 1
                guard let n = scanner.number() else { throw fail("a number must follow champion \(scanner.lastTaken)") }
                bound = .champion(offset: sign * n, factor: 1)
            } else if scanner.take("*") {
                guard let n = scanner.number() else { throw fail("a number must follow champion *") }
                bound = .champion(offset: 0, factor: n)
            } else {
                throw fail("after champion write - NUMBER, + NUMBER or * NUMBER")
            }
        } else {
            guard let n = scanner.number() else { throw fail("the right side must be a number or champion") }
            bound = .number(n)
        }
        guard scanner.atEnd else { throw fail("unexpected text at the end") }
        self.metric = metric
        self.perSlice = perSlice
        kind = .compare(op, bound)
    }

    /// Whether the rule needs the champion.
    public var needsChampion: Bool {
        switch kind {
        case .compare(_, .champion), .nonInferior, .superior: true
        default: false
        }
    }

    /// Whether the rule needs the champion's predictions on the same rows.
    public var isPaired: Bool {
        switch kind {
        case .nonInferior, .superior: true
        default: false
        }
    }
}

/// The tokens of a rule.
private struct RuleScanner {
    let characters: [Character]
    var position = 0
    var lastTaken = ""

    init(_ text: String) { characters = Array(text) }

    var atEnd: Bool {
        mutating get { skipSpaces(); return position >= characters.count }
    }

    mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    mutating func name() -> String? {
        skipSpaces()
        let start = position
        while position < characters.count, characters[position].isLetter || characters[position].isNumber
                || characters[position] == "_" || characters[position] == "." || characters[position] == "-" && position > start
                && position + 1 < characters.count && characters[position + 1].isLetter {
            position += 1
        }
        guard position > start, characters[start].isLetter || characters[start] == "_" else { position = start; return nil }
        return String(characters[start..<position])
    }

    mutating func take(_ token: String) -> Bool {
        skipSpaces()
        let t = Array(token)
        guard position + t.count <= characters.count, Array(characters[position..<(position + t.count)]) == t else { return false }
        position += t.count
        lastTaken = token
        return true
    }

    mutating func takeWord(_ word: String) -> Bool {
        let saved = position
        if let n = name(), n == word { return true }
        position = saved
        return false
    }

    mutating func comparison() -> MetricRule.Comparison? {
        for op in [">=", "<=", "==", "!=", ">", "<"] where take(op) { return MetricRule.Comparison(rawValue: op) }
        return nil
    }

    mutating func number() -> Double? {
        skipSpaces()
        let start = position
        while position < characters.count, "+-0123456789.eE".contains(characters[position]) { position += 1 }
        guard let value = Double(String(characters[start..<position])), value.isFinite else { position = start; return nil }
        return value
    }
}
