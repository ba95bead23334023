/// Reads a pickle's opcodes (protocols 0–5) without running it, and lists the globals it
/// would import — what `pickle.load` would call. `GLOBAL` and `INST` name them in text;
/// `STACK_GLOBAL` takes the two strings pushed before it, which may come from the memo. Files
/// holding several pickles back to back (PyTorch's legacy format, joblib) are read to the
/// last one that parses.
public enum PickleScanner {
    /// An import found in a pickle.
    public struct Global: Hashable, Sendable {
        public let module: String
        public let name: String
        /// The byte offset of the opcode.
        public let offset: Int
    }

    public struct Result: Sendable {
        public var globals: [Global] = []
        /// Why reading stopped early (nil: every pickle read to its STOP).
        public var error: String?
        /// How many complete pickles were read.
        public var pickles = 0
    }

    /// Whether the bytes start like a pickle (a PROTO opcode, or a protocol-0/1 opcode).
    public static func looksLikePickle(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= 2 else { return false }
        if b[0] == 0x80, (2...5).contains(b[1]) { return true }
        return b[0] == 0x28 || b[0] == 0x63 || b[0] == 0x7D || b[0] == 0x5D  // ( c } ]
    }

    /// Every global the pickles in `b` import, in order.
    public static func scan(_ b: UnsafeRawBufferPointer) -> Result {
        var result = Result()
        var at = 0
        while at < b.count {
            let start = at
            switch one(b, from: &at, into: &result) {
            case .stopped:
                result.pickles += 1
                // More pickles follow only when the next byte starts one.
                if at >= b.count || !looksLikePickle(UnsafeRawBufferPointer(rebasing: b[at...])) { return result }
            case .failed(let message):
                // After a complete pickle, what follows may be raw data (tensor storages).
                if result.pickles == 0 { result.error = message }
                return result
            }
            if at == start { return result }
        }
        return result
    }

    private enum Outcome { case stopped, failed(String) }

    /// A pushed value, as far as imports need it: a string, or something else.
    private enum Value { case text(String), other }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private static func one(_ b: UnsafeRawBufferPointer, from at: inout Int, into result: inout Result) -> Outcome {
        var pushed: [Value] = []  // the recent pushes, for STACK_GLOBAL
        var memo: [Int: Value] = [:]
        var last: Value = .other
        func push(_ v: Value) {
            pushed.append(v)
            if pushed.count > 64 { pushed.removeFirst(32) }
            last = v
        }
        func need(_ n: Int) -> Bool { at + n <= b.count }
        func uint(_ n: Int) -> Int? {
            guard need(n) else { return nil }
            var v = 0
            for k in 0..<n { v |= Int(b[at + k]) << (8 * k) }
            at += n
            return v
        }
        func line() -> String? {
            var end = at
            while end < b.count, b[end] != 0x0A { end += 1 }
            guard end < b.count else { return nil }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[at..<end]), as: UTF8.self)
            at = end + 1
            return text
        }
        func bytes(_ n: Int) -> String? {
            guard n >= 0, need(n) else { return nil }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[at..<(at + n)]), as: UTF8.self)
            at += n
            return text
        }
        func skip(_ n: Int) -> Bool {
            guard n >= 0, need(n) else { return false }
            at += n
            return true
        }
        let truncated = Outcome.failed("the pickle ends in the middle of an opcode")
        while at < b.count {
            let offset = at
            let op = b[at]
            at += 1
            switch op {
            case 0x2E: return .stopped  // STOP
            // Text arguments (protocols 0 and 1).
            case 0x63, 0x69:  // GLOBAL, INST: module\nname\n
                guard let module = line(), let name = line() else { return truncated }
                result.globals.append(Global(module: module, name: name, offset: offset))
                push(.other)
            case 0x53:  // STRING 'text'
                guard let text = line() else { return truncated }
                var s = Substring(text)
                if let f = s.first, f == "'" || f == "\"", s.count >= 2 { s = s.dropFirst().dropLast() }
                push(.text(String(s)))
            case 0x56:  // UNICODE (raw-unicode-escape)
                guard let text = line() else { return truncated }
                push(.text(text))
            case 0x49, 0x4C, 0x46, 0x50:  // INT, LONG, FLOAT, PERSID
                guard line() != nil else { return truncated }
                push(.other)
            case 0x70:  // PUT n
                guard let text = line(), let n = Int(text) else { return truncated }
                memo[n] = last
            case 0x67:  // GET n
                guard let text = line(), let n = Int(text) else { return truncated }
                push(memo[n] ?? .other)
            // Fixed-size arguments.
            case 0x4A: guard skip(4) else { return truncated }; push(.other)  // BININT
            case 0x4B: guard skip(1) else { return truncated }; push(.other)  // BININT1
            case 0x4D: guard skip(2) else { return truncated }; push(.other)  // BININT2
            case 0x47: guard skip(8) else { return truncated }; push(.other)  // BINFLOAT
            case 0x82: guard skip(1) else { return truncated }; push(.other)  // EXT1
            case 0x83: guard skip(2) else { return truncated }; push(.other)  // EXT2
            case 0x84: guard skip(4) else { return truncated }; push(.other)  // EXT4
            case 0x80: guard skip(1) else { return truncated }  // PROTO
            case 0x95: guard skip(8) else { return truncated }  // FRAME
            case 0x71:  // BINPUT
                guard let n = uint(1) else { return truncated }
                memo[n] = last
            case 0x72:  // LONG_BINPUT
                guard let n = uint(4) else { return truncated }
                memo[n] = last
            case 0x94:  // MEMOIZE
                memo[memo.count] = last
            case 0x68:  // BINGET
                guard let n = uint(1) else { return truncated }
                push(memo[n] ?? .other)
            case 0x6A:  // LONG_BINGET
                guard let n = uint(4) else { return truncated }
                push(memo[n] ?? .other)
            // Length-prefixed strings and bytes.
            case 0x8C:  // SHORT_BINUNICODE
                guard let n = uint(1), let s = bytes(n) else { return truncated }
                push(.text(s))
            case 0x58:  // BINUNICODE
                guard let n = uint(4), let s = bytes(n) else { return truncated }
                push(.text(s))
            case 0x8D:  // BINUNICODE8
                guard let n = uint(8), let s = bytes(n) else { return truncated }
                push(.text(s))
            case 0x55:  // SHORT_BINSTRING
                guard let n = uint(1), let s = bytes(n) else { return truncated }
                push(.text(s))
            case 0x54:  // BINSTRING
                guard let n = uint(4), let s = bytes(n) else { return truncated }
                push(.text(s))
            case 0x43:  // SHORT_BINBYTES
                guard let n = uint(1), skip(n) else { return truncated }
                push(.other)
            case 0x42:  // BINBYTES
                guard let n = uint(4), skip(n) else { return truncated }
                push(.other)
            case 0x8E, 0x96:  // BINBYTES8, BYTEARRAY8
                guard let n = uint(8), skip(n) else { return truncated }
                push(.other)
            case 0x8A:  // LONG1
                guard let n = uint(1), skip(n) else { return truncated }
                push(.other)
            case 0x8B:  // LONG4
                guard let n = uint(4), skip(n) else { return truncated }
                push(.other)
            case 0x93:  // STACK_GLOBAL: the module and name pushed last
                let strings = pushed.suffix(2)
                if strings.count == 2, case .text(let module) = strings.first!, case .text(let name) = strings.last! {
                    result.globals.append(Global(module: module, name: name, offset: offset))
                } else {
                    result.globals.append(Global(module: "?", name: "?", offset: offset))
                }
                push(.other)
            // No argument.
            case 0x28, 0x30, 0x31, 0x32, 0x4E, 0x52, 0x61, 0x62, 0x64, 0x7D, 0x65, 0x6C, 0x5D, 0x6F, 0x73, 0x74, 0x29, 0x75,
                 0x51, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8F, 0x90, 0x91, 0x92, 0x97, 0x98:
                push(.other)
            default:
                return .failed("byte \(offset) is not a pickle opcode (0x\(String(op, radix: 16)))")
            }
        }
        return .failed("the pickle ends before its STOP opcode")
    }
}
