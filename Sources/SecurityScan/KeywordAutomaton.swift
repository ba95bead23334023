/// Aho–Corasick over ASCII-case-folded bytes: finds every occurrence of any of a set of
/// keywords in one pass, one table lookup per byte, so a file is searched once for all the
/// rules' keywords before any regular expression runs.
struct KeywordAutomaton: Sendable {
    /// `next[state * 256 + byte]`: the state after reading `byte` (failure links folded in).
    private let next: [Int32]
    /// For each state, the keywords that end there (indices into the keyword list).
    private let outputs: [[Int]]
    /// Whether any keyword ends at a state.
    private let terminal: [Bool]
    let keywords: [[UInt8]]

    init(_ words: [String]) {
        let keywords = words.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        self.keywords = keywords
        // The trie.
        var children: [[Int32]] = [[Int32](repeating: -1, count: 256)]
        var outs: [[Int]] = [[]]
        for (index, word) in keywords.enumerated() {
            var state = 0
            for byte in word {
                if children[state][Int(byte)] < 0 {
                    children[state][Int(byte)] = Int32(children.count)
                    children.append([Int32](repeating: -1, count: 256))
                    outs.append([])
                }
                state = Int(children[state][Int(byte)])
            }
            outs[state].append(index)
        }
        // Breadth first: failure links, folded into a full transition table.
        var fail = [Int](repeating: 0, count: children.count)
        var table = [Int32](repeating: 0, count: children.count * 256)
        var queue: [Int] = []
        for byte in 0..<256 {
            let child = children[0][byte]
            if child >= 0 {
                table[byte] = child
                queue.append(Int(child))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outs[state] += outs[fail[state]]
            for byte in 0..<256 {
                let child = children[state][byte]
                if child >= 0 {
                    fail[Int(child)] = Int(table[fail[state] * 256 + byte])
                    table[state * 256 + byte] = child
                    queue.append(Int(child))
                } else {
                    table[state * 256 + byte] = table[fail[state] * 256 + byte]
                }
            }
        }
        next = table
        outputs = outs
        terminal = outs.map { !$0.isEmpty }
    }

    /// Calls `found(keyword, end)` for every occurrence (`end`: the offset after its last byte).
    func search(_ bytes: UnsafeRawBufferPointer, _ found: (Int, Int) -> Void) {
        guard !keywords.isEmpty else { return }
        next.withUnsafeBufferPointer { table in
            terminal.withUnsafeBufferPointer { terminal in
                var state = 0
                for k in 0..<bytes.count {
                    let raw = bytes[k]
                    let byte = raw &- 0x41 < 26 ? raw | 0x20 : raw  // ASCII upper case folded
                    state = Int(table[state &* 256 &+ Int(byte)])
                    if terminal[state] {
                        for keyword in outputs[state] { found(keyword, k + 1) }
                    }
                }
            }
        }
    }
}
