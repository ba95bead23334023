#if canImport(Glibc)
import Glibc
#endif

/// A small, fast XML reader over bytes, for test reports: elements, attributes, text,
/// CDATA, comments, processing instructions, a DOCTYPE, and the five named entities plus
/// numeric ones. Not a validating parser; it checks what a report's reader relies on (tags
/// nest and close, attributes are quoted) and says where it is not so.
struct XMLScanner {
    /// What went wrong, and at which byte.
    struct Failure: Error {
        let message: String
        let offset: Int
    }

    /// An element's attributes, decoded only when asked for (most are never read).
    struct Attributes {
        fileprivate let base: UnsafeBufferPointer<UInt8>
        fileprivate let ranges: UnsafeBufferPointer<(name: Range<Int>, value: Range<Int>)>

        /// Where the value of attribute `name` is, in the document; nil when absent.
        func range(_ name: StaticString) -> Range<Int>? {
            for (n, v) in ranges where n.count == name.utf8CodeUnitCount {
                if memcmp(base.baseAddress! + n.lowerBound, name.utf8Start, n.count) == 0 { return v }
            }
            return nil
        }

        /// The value of attribute `name`, entities decoded; nil when absent or malformed.
        func value(_ name: StaticString) -> String? {
            range(name).flatMap { document.text(at: $0) }
        }

        /// The document, to read a value later in the scan.
        var document: Document { Document(base: base) }
    }

    /// The document being scanned, to read an attribute value after its element's start
    /// (valid until the scan returns).
    struct Document {
        fileprivate let base: UnsafeBufferPointer<UInt8>

        /// The text at `range` (an attribute value), entities decoded.
        func text(at range: Range<Int>) -> String? {
            try? XMLScanner.decode(base, from: range.lowerBound, to: range.upperBound)
        }
    }

    /// An element's name, as bytes of the document (compared without making a String).
    struct Name {
        fileprivate let bytes: UnsafeBufferPointer<UInt8>

        /// Whether the name is `text` (ASCII).
        func `is`(_ text: StaticString) -> Bool {
            guard bytes.count == text.utf8CodeUnitCount else { return false }
            return memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// What the scanner reports, in document order.
    protocol Handler {
        mutating func start(_ name: Name, attributes: Attributes)
        mutating func end(_ name: Name)
        /// Text inside the current element (entities decoded), only when `wantsText` is true.
        mutating func text(_ text: String)
        var wantsText: Bool { get }
    }

    /// Scans `bytes`, calling `handler` as it goes.
    static func scan<H: Handler>(_ bytes: UnsafeRawBufferPointer, into handler: inout H) throws(Failure) {
        let b = bytes.bindMemory(to: UInt8.self)
        let n = b.count
        var i = 0
        var stack: [Range<Int>] = []
        var attributes: [(name: Range<Int>, value: Range<Int>)] = []
        attributes.reserveCapacity(8)
        func named(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self) }
        func same(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
            x.count == y.count && memcmp(b.baseAddress! + x.lowerBound, b.baseAddress! + y.lowerBound, x.count) == 0
        }
        var textStart = 0

        func failure(_ message: String, at offset: Int) -> Failure { Failure(message: message, offset: offset) }
        @inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        @inline(__always) func isNameByte(_ c: UInt8) -> Bool {
            !(isSpace(c) || c == 0x3E || c == 0x2F || c == 0x3D || c == 0x3C || c == 0x22 || c == 0x27)
        }
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            guard let first = pattern.first else { return start }
            var j = start
            while j + pattern.count <= n {
                if b[j] == first {
                    var k = 1
                    while k < pattern.count, b[j + k] == pattern[k] { k += 1 }
                    if k == pattern.count { return j }
                }
                j += 1
            }
            return nil
        }
        func flushText(upTo end: Int) throws(Failure) {
            guard handler.wantsText, end > textStart, !stack.isEmpty else { return }
            handler.text(try decode(b, from: textStart, to: end))
        }

        while i < n {
            guard b[i] == 0x3C else {  // '<': the next one, found by memchr
                guard let found = memchr(b.baseAddress! + i, 0x3C, n - i) else { i = n; break }
                i = b.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                continue
            }
            try flushText(upTo: i)
            guard i + 1 < n else { throw failure("the document ends inside a tag", at: i) }
            let next = b[i + 1]
            if next == 0x3F {  // <? … ?>
                guard let close = find([0x3F, 0x3E], from: i + 2) else { throw failure("an unclosed <?…?>", at: i) }
                i = close + 2
            } else if next == 0x21 {  // <!-- -->, <![CDATA[ ]]>, <!DOCTYPE >
                if i + 3 < n, b[i + 2] == 0x2D, b[i + 3] == 0x2D {
                    guard let close = find([0x2D, 0x2D, 0x3E], from: i + 4) else { throw failure("an unclosed comment", at: i) }
                    i = close + 3
                } else if i + 8 < n, Array(UnsafeBufferPointer(rebasing: b[(i + 2)..<(i + 9)])) == Array("[CDATA[".utf8) {
                    guard let close = find([0x5D, 0x5D, 0x3E], from: i + 9) else { throw failure("an unclosed CDATA section", at: i) }
                    if handler.wantsText, !stack.isEmpty { handler.text(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 9)..<close]), as: UTF8.self)) }
                    i = close + 3
                } else {
                    // A DOCTYPE, possibly with an internal subset in brackets.
                    var j = i + 2
                    var depth = 0
                    while j < n {
                        if b[j] == 0x5B { depth += 1 } else if b[j] == 0x5D { depth -= 1 } else if b[j] == 0x3E, depth <= 0 { break }
                        j += 1
                    }
                    guard j < n else { throw failure("an unclosed <!…>", at: i) }
                    i = j + 1
                }
            } else if next == 0x2F {  // </name>
                var j = i + 2
                while j < n, isNameByte(b[j]) { j += 1 }
                let nameRange = (i + 2)..<j
                while j < n, isSpace(b[j]) { j += 1 }
                guard j < n, b[j] == 0x3E else { throw failure("'</\(named(nameRange))' is not closed with '>'", at: i) }
                guard let open = stack.last else { throw failure("'</\(named(nameRange))>' closes nothing", at: i) }
                guard same(open, nameRange) else { throw failure("'</\(named(nameRange))>' closes '<\(named(open))>'; expected '</\(named(open))>'", at: i) }
                stack.removeLast()
                handler.end(Name(bytes: UnsafeBufferPointer(rebasing: b[nameRange])))
                i = j + 1
            } else {  // <name attr="value" … /?>
                var j = i + 1
                while j < n, isNameByte(b[j]) { j += 1 }
                guard j > i + 1 else { throw failure("a '<' that starts no tag (write &lt; in text)", at: i) }
                let nameRange = (i + 1)..<j
                var name: String { named(nameRange) }
                attributes.removeAll(keepingCapacity: true)
                var selfClosing = false
                while true {
                    while j < n, isSpace(b[j]) { j += 1 }
                    guard j < n else { throw failure("the document ends inside '<\(name)'", at: i) }
                    if b[j] == 0x3E { j += 1; break }
                    if b[j] == 0x2F {
                        guard j + 1 < n, b[j + 1] == 0x3E else { throw failure("'/' inside '<\(name)' not followed by '>'", at: j) }
                        selfClosing = true
                        j += 2
                        break
                    }
                    let nameStart = j
                    while j < n, isNameByte(b[j]) { j += 1 }
                    guard j > nameStart else { throw failure("an unexpected character in '<\(name)'", at: j) }
                    let attributeEnd = j
                    var attribute: String { String(decoding: UnsafeBufferPointer(rebasing: b[nameStart..<attributeEnd]), as: UTF8.self) }
                    while j < n, isSpace(b[j]) { j += 1 }
                    guard j < n, b[j] == 0x3D else { throw failure("attribute '\(attribute)' of '<\(name)>' has no value", at: j) }
                    j += 1
                    while j < n, isSpace(b[j]) { j += 1 }
                    guard j < n, b[j] == 0x22 || b[j] == 0x27 else { throw failure("the value of '\(attribute)' must be quoted", at: j) }
                    let quote = b[j]
                    let valueStart = j + 1
                    j = valueStart
                    while j < n, b[j] != quote {
                        if b[j] == 0x3C { throw failure("'<' in the value of '\(attribute)'", at: j) }
                        j += 1
                    }
                    guard j < n else { throw failure("the value of '\(attribute)' is not closed", at: valueStart - 1) }
                    attributes.append((nameStart..<attributeEnd, valueStart..<j))
                    j += 1
                }
                let element = Name(bytes: UnsafeBufferPointer(rebasing: b[nameRange]))
                attributes.withUnsafeBufferPointer { handler.start(element, attributes: Attributes(base: b, ranges: $0)) }
                if selfClosing {
                    handler.end(element)
                } else {
                    stack.append(nameRange)
                }
                i = j
            }
            textStart = i
        }
        if let open = stack.last { throw failure("'<\(named(open))>' is never closed", at: n) }
    }

    /// The text of `b[from..<to]` with entities decoded.
    fileprivate static func decode(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) throws(Failure) -> String {
        var hasEntity = false
        for j in start..<end where b[j] == 0x26 { hasEntity = true; break }
        guard hasEntity else { return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var j = start
        while j < end {
            guard b[j] == 0x26 else { out.append(b[j]); j += 1; continue }
            var k = j + 1
            while k < end, b[k] != 0x3B, k - j < 12 { k += 1 }
            guard k < end, b[k] == 0x3B else { throw Failure(message: "an '&' that starts no entity (write &amp;)", offset: j) }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: b[(j + 1)..<k]), as: UTF8.self)
            switch entity {
            case "lt": out.append(0x3C)
            case "gt": out.append(0x3E)
            case "amp": out.append(0x26)
            case "quot": out.append(0x22)
            case "apos": out.append(0x27)
            default:
                let scalar: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()) }
                else { scalar = nil }
                guard let value = scalar, let character = Unicode.Scalar(value) else {
                    throw Failure(message: "unknown entity '&\(entity);'", offset: j)
                }
                out.append(contentsOf: Array(String(Character(character)).utf8))
            }
            j = k + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 1-based line and column of byte `offset` in `bytes`.
    static func position(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for j in 0..<end where bytes[j] == 0x0A {
            line += 1
            lineStart = j + 1
        }
        return (line, end - lineStart + 1)
    }
}
