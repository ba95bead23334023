/// The common subset of POSIX extended regular expressions, compiled to a DFA over bytes
/// that is built lazily as values are matched: one table lookup per byte, where regexec
/// walks its NFA. What it accepts it matches exactly as glibc's regexec does in the C
/// locale with REG_STARTEND (bytes; `.` any byte but NUL); anything else — back-references, GNU escapes such
/// as `\w`, collating elements, anchors inside the pattern — gives nil, and the caller
/// keeps regexec. Used by one thread at a time.
final class RegexDFA {
    /// 256 bits: the bytes a transition accepts.
    struct ByteSet: Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        static func == (a: ByteSet, b: ByteSet) -> Bool { a.words == b.words }
        func hash(into h: inout Hasher) { h.combine(words.0); h.combine(words.1); h.combine(words.2); h.combine(words.3) }

        mutating func insert(_ byte: UInt8) {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }

        mutating func insert(_ range: ClosedRange<UInt8>) { for b in range { insert(b) } }

        func contains(_ byte: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: return words.0 & bit != 0
            case 1: return words.1 & bit != 0
            case 2: return words.2 & bit != 0
            default: return words.3 & bit != 0
            }
        }

        var inverted: ByteSet { ByteSet(words: (~words.0, ~words.1, ~words.2, ~words.3)) }

        /// Any byte but NUL (what `.` matches).
        static var dot: ByteSet {
            var s = ByteSet(words: (~0, ~0, ~0, ~0))
            s.words.0 &= ~1
            return s
        }
    }

    /// The parsed pattern.
    indirect enum Node {
        case bytes(ByteSet)
        case sequence([Node])
        case either([Node])
        case repeated(Node, min: Int, max: Int?)
    }

    /// An NFA state: a byte transition, a fork, or the match.
    enum State {
        case bytes(ByteSet, next: Int)
        case fork(Int, Int)
        case match
    }

    private var states: [State] = []
    private let start: Int
    private let anchoredStart: Bool
    private let anchoredEnd: Bool

    // The DFA: each state a set of NFA states; its transitions filled in as bytes arrive.
    private var sets: [[Int]] = []
    private var index: [[Int]: Int32] = [:]
    private var accepting = RawVector<Bool>(capacity: 64)
    private var table = RawVector<Int32>(capacity: 256 * 64)
    /// DFA states at most; a pattern that needs more is matched by regexec.
    static let budget = 4096
    /// NFA states at most (bounded repetition is expanded).
    static let nfaBudget = 20_000
    /// What `table` holds for a transition not computed yet.
    private static let unknown: Int32 = -1

    /// nil when the pattern is outside the subset (or too big).
    init?(_ pattern: String) {
        var bytes = Array(pattern.utf8)
        // Anchors only at the very ends, and then no top-level alternation to bind them to.
        let startsAnchored = bytes.first == 0x5E
        var endsAnchored = false
        if bytes.count > (startsAnchored ? 1 : 0), bytes.last == 0x24 {
            var backslashes = 0
            var k = bytes.count - 2
            while k >= 0, bytes[k] == 0x5C { backslashes += 1; k -= 1 }
            endsAnchored = backslashes % 2 == 0
        }
        if endsAnchored { bytes.removeLast() }
        if startsAnchored { bytes.removeFirst() }
        var parser = Parser(bytes: bytes)
        guard let node = parser.alternation(), parser.at == bytes.count else { return nil }
        if startsAnchored || endsAnchored, case .either = node { return nil }
        anchoredStart = startsAnchored
        anchoredEnd = endsAnchored
        states.append(.match)
        guard let s = Self.compile(node, next: 0, into: &states), states.count <= Self.nfaBudget else { return nil }
        start = s
        table.count = 0
        guard addState(closure(of: [start])) == 0 else { return nil }
    }

    deinit {
        table.deallocate()
        accepting.deallocate()
    }

    /// Whether the pattern matches somewhere in `value` (the whole value where anchored);
    /// nil when the DFA outgrew its budget.
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool? {
        var s = 0
        var table = self.table.pointer, accepting = self.accepting.pointer
        for byte in value {
            if !anchoredEnd, accepting[s] { return true }
            var next = table[s << 8 | Int(byte)]
            if next == Self.unknown {
                guard let computed = transition(from: s, on: byte) else { return nil }
                next = computed
                // The tables may have moved as they grew.
                (table, accepting) = (self.table.pointer, self.accepting.pointer)
            }
            if next == Self.dead { return false }
            s = Int(next)
        }
        return accepting[s]
    }

    /// No way to a match (anchored at the start, nothing left to try).
    private static let dead: Int32 = -2

    private func transition(from s: Int, on byte: UInt8) -> Int32? {
        var moved: [Int] = []
        for n in sets[s] {
            if case let .bytes(set, next) = states[n], set.contains(byte) { moved.append(next) }
        }
        if !anchoredStart { moved.append(start) }
        let target = closure(of: moved)
        let t: Int32
        if target.isEmpty {
            t = Self.dead
        } else if let known = index[target] {
            t = known
        } else {
            guard sets.count < Self.budget else { return nil }
            t = Int32(addState(target))
        }
        table[s << 8 | Int(byte)] = t
        return t
    }

    private func addState(_ set: [Int]) -> Int {
        let id = sets.count
        sets.append(set)
        index[set] = Int32(id)
        accepting.append(set.contains { if case .match = states[$0] { true } else { false } })
        for _ in 0..<256 { table.append(Self.unknown) }
        return id
    }

    /// The byte and match states reachable from `roots` through forks, sorted.
    private func closure(of roots: [Int]) -> [Int] {
        var seen = Set<Int>()
        var stack = roots
        var out: [Int] = []
        while let n = stack.popLast() {
            guard seen.insert(n).inserted else { continue }
            switch states[n] {
            case let .fork(a, b): stack.append(b); stack.append(a)
            case .bytes, .match: out.append(n)
            }
        }
        return out.sorted()
    }

    /// Thompson's construction, back to front: returns the state that starts `node`, whose
    /// end leads to `next`.
    private static func compile(_ node: Node, next: Int, into states: inout [State]) -> Int? {
        guard states.count <= nfaBudget else { return nil }
        switch node {
        case let .bytes(set):
            states.append(.bytes(set, next: next))
            return states.count - 1
        case let .sequence(parts):
            var cur = next
            for part in parts.reversed() {
                guard let s = compile(part, next: cur, into: &states) else { return nil }
                cur = s
            }
            return cur
        case let .either(options):
            var starts: [Int] = []
            for option in options {
                guard let s = compile(option, next: next, into: &states) else { return nil }
                starts.append(s)
            }
            var cur = starts.removeLast()
            for s in starts.reversed() {
                states.append(.fork(s, cur))
                cur = states.count - 1
            }
            return cur
        case let .repeated(body, min, max):
            var cur = next
            if let max {
                // Optional copies, nested: X{0,2} is (X(X)?)?.
                for _ in 0..<(max - min) {
                    guard let s = compile(body, next: cur, into: &states) else { return nil }
                    states.append(.fork(s, next))
                    cur = states.count - 1
                }
            } else {
                // A loop: fork into the body (which returns to the fork) or on.
                states.append(.fork(-1, next))
                let loop = states.count - 1
                guard let s = compile(body, next: loop, into: &states) else { return nil }
                states[loop] = .fork(s, next)
                cur = loop
            }
            for _ in 0..<min {
                guard let s = compile(body, next: cur, into: &states) else { return nil }
                cur = s
            }
            return cur
        }
    }

    /// A recursive-descent parser of the subset; nil on anything outside it.
    struct Parser {
        let bytes: [UInt8]
        var at = 0
        var depth = 0

        mutating func alternation() -> Node? {
            var options: [Node] = []
            repeat {
                guard let s = sequence(), case let .sequence(parts) = s, !parts.isEmpty else { return nil }
                options.append(s)
            } while eat(0x7C)
            return options.count == 1 ? options[0] : .either(options)
        }

        mutating func sequence() -> Node? {
            var parts: [Node] = []
            while at < bytes.count, bytes[at] != 0x7C, bytes[at] != 0x29 {
                guard var atom = atom() else { return nil }
                if let (min, max) = quantifier() {
                    atom = .repeated(atom, min: min, max: max)
                    // A quantifier on a quantifier is left to regexec.
                    if at < bytes.count, [0x2A, 0x2B, 0x3F, 0x7B].contains(bytes[at]) { return nil }
                }
                parts.append(atom)
            }
            return .sequence(parts)
        }

        mutating func atom() -> Node? {
            let c = bytes[at]
            at += 1
            switch c {
            case 0x28:  // (
                depth += 1
                guard depth <= 50, let inner = alternation(), eat(0x29) else { return nil }
                depth -= 1
                return inner
            case 0x2E: return .bytes(.dot)
            case 0x5B: return bracket().map(Node.bytes)
            case 0x5C:  // \ before punctuation is that character; GNU's letter escapes are not handled
                guard at < bytes.count else { return nil }
                let e = bytes[at]
                at += 1
                guard e < 0x80, !(e >= 0x30 && e <= 0x39), !(e | 0x20 >= 0x61 && e | 0x20 <= 0x7A) else { return nil }
                return literal(e)
            case 0x2A, 0x2B, 0x3F, 0x7B, 0x5E, 0x24: return nil  // misplaced operators and inner anchors
            default: return literal(c)
            }
        }

        func literal(_ c: UInt8) -> Node {
            var s = ByteSet()
            s.insert(c)
            return .bytes(s)
        }

        mutating func quantifier() -> (Int, Int?)? {
            guard at < bytes.count else { return nil }
            switch bytes[at] {
            case 0x2A: at += 1; return (0, nil)
            case 0x2B: at += 1; return (1, nil)
            case 0x3F: at += 1; return (0, 1)
            case 0x7B:
                // {n}, {n,}, {n,m}; anything else is left to regexec (by failing the atom after).
                var k = at + 1
                func number() -> Int? {
                    var v = 0, digits = 0
                    while k < bytes.count, bytes[k] >= 0x30, bytes[k] <= 0x39, digits < 4 { v = v * 10 + Int(bytes[k] - 0x30); k += 1; digits += 1 }
                    return digits > 0 ? v : nil
                }
                guard let min = number() else { return nil }
                var max: Int? = min
                if k < bytes.count, bytes[k] == 0x2C {
                    k += 1
                    max = number()
                }
                guard k < bytes.count, bytes[k] == 0x7D, min <= 255, (max ?? min) >= min, (max ?? 0) <= 255 else { return nil }
                at = k + 1
                return (min, max)
            default: return nil
            }
        }

        /// `[...]` after its `[`: bytes, ranges and `[:class:]`, `^` to negate.
        mutating func bracket() -> ByteSet? {
            var set = ByteSet()
            var negate = false
            if at < bytes.count, bytes[at] == 0x5E { negate = true; at += 1 }
            var first = true
            while at < bytes.count {
                let c = bytes[at]
                if c == 0x5D, !first {
                    at += 1
                    return negate ? set.inverted : set
                }
                first = false
                if c == 0x5B, at + 1 < bytes.count {
                    let kind = bytes[at + 1]
                    if kind == 0x2E || kind == 0x3D { return nil }  // [. .] and [= =]
                    if kind == 0x3A {
                        guard let close = (at + 2..<bytes.count).first(where: { bytes[$0] == 0x3A }), close + 1 < bytes.count, bytes[close + 1] == 0x5D,
                              let named = Self.named(String(decoding: bytes[(at + 2)..<close], as: UTF8.self)) else { return nil }
                        set.words = (set.words.0 | named.words.0, set.words.1 | named.words.1, set.words.2 | named.words.2, set.words.3 | named.words.3)
                        at = close + 2
                        continue
                    }
                }
                at += 1
                if at + 1 < bytes.count, bytes[at] == 0x2D, bytes[at + 1] != 0x5D {
                    let end = bytes[at + 1]
                    guard end >= c, end != 0x5B else { return nil }
                    set.insert(c...end)
                    at += 2
                } else {
                    set.insert(c)
                }
            }
            return nil
        }

        /// POSIX character classes in the C locale.
        static func named(_ name: String) -> ByteSet? {
            var s = ByteSet()
            switch name {
            case "digit": s.insert(0x30...0x39)
            case "upper": s.insert(0x41...0x5A)
            case "lower": s.insert(0x61...0x7A)
            case "alpha": s.insert(0x41...0x5A); s.insert(0x61...0x7A)
            case "alnum": s.insert(0x30...0x39); s.insert(0x41...0x5A); s.insert(0x61...0x7A)
            case "xdigit": s.insert(0x30...0x39); s.insert(0x41...0x46); s.insert(0x61...0x66)
            case "space": s.insert(0x09...0x0D); s.insert(0x20)
            case "blank": s.insert(0x09); s.insert(0x20)
            case "punct": s.insert(0x21...0x2F); s.insert(0x3A...0x40); s.insert(0x5B...0x60); s.insert(0x7B...0x7E)
            case "print": s.insert(0x20...0x7E)
            case "graph": s.insert(0x21...0x7E)
            case "cntrl": s.insert(0x00...0x1F); s.insert(0x7F)
            default: return nil
            }
            return s
        }

        mutating func eat(_ c: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == c else { return false }
            at += 1
            return true
        }
    }
}
