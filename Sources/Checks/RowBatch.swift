/// A growable array of plain values in memory the owner frees (`deallocate`), so hot loops
/// append and read through a pointer, without Swift arrays' uniqueness and bounds checks.
struct RawVector<Element: BitwiseCopyable> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() }
        pointer[count] = value
        count += 1
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { pointer[index] }
        nonmutating set { pointer[index] = newValue }
    }

    mutating func removeAll() { count = 0 }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = bigger
        capacity *= 2
    }

    func deallocate() { pointer.deallocate() }
}

/// The complete rows of one chunk of a data file, every field a byte range of the chunk's
/// own bytes. A batch is refilled chunk after chunk; its contents are valid until then, so
/// one batch can be checked while the next is read.
final class RowBatch: @unchecked Sendable {
    /// The chunk's bytes: complete rows, then (for a CSV stream) an incomplete tail.
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// How many of `bytes` hold data.
    var filled = 0
    /// Where the incomplete tail starts (the bytes after the last complete row).
    var consumed = 0
    /// The offset of `bytes[0]` in the file's (uncompressed) data.
    var base = 0

    /// Row r's fields are `rowStart[r] ..< rowStart[r + 1]`.
    var rowStart = RawVector<Int32>()
    var fieldStart = RawVector<Int32>()
    var fieldEnd = RawVector<Int32>()
    /// Whether the field was quoted with `""` inside (to unescape before use).
    var fieldEscaped = RawVector<Bool>()
    /// Each row's 1-based number among the data rows, its first line in the file, and its
    /// byte offset in the data.
    var rowNumber = RawVector<Int>()
    var rowLine = RawVector<Int>()
    var rowOffset = RawVector<Int>()
    /// Whether the reader accepted each row (the data check: the header's width, valid UTF-8).
    var rowAccepted = RawVector<Bool>()

    init(capacity: Int = 1 << 22) {
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
        rowStart.append(0)
    }

    deinit {
        bytes.deallocate()
        for v in [rowStart, fieldStart, fieldEnd] { v.deallocate() }
        fieldEscaped.deallocate()
        rowAccepted.deallocate()
        for v in [rowNumber, rowLine, rowOffset] { v.deallocate() }
    }

    var rowCount: Int { rowStart.count - 1 }

    /// How many fields row `r` has.
    @inline(__always)
    func width(_ r: Int) -> Int { Int(rowStart[r + 1] &- rowStart[r]) }

    /// Empties the rows (not the bytes).
    func removeRows() {
        rowStart.removeAll()
        rowStart.append(0)
        fieldStart.removeAll(); fieldEnd.removeAll(); fieldEscaped.removeAll()
        rowNumber.removeAll(); rowLine.removeAll(); rowOffset.removeAll()
        rowAccepted.removeAll()
    }

    /// Makes room for at least `size` bytes, keeping the first `filled`.
    func reserve(_ size: Int) {
        guard size > capacity else { return }
        var bigger = capacity
        while bigger < size { bigger *= 2 }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        fresh.update(from: bytes, count: filled)
        bytes.deallocate()
        bytes = fresh
        capacity = bigger
    }

    /// Field `f`'s bytes as written (quotes removed, `""` still doubled).
    @inline(__always)
    func field(_ f: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(fieldStart[f])
        return UnsafeBufferPointer(start: bytes + start, count: Int(fieldEnd[f]) - start)
    }

    /// Field `f`'s value: `""` unescaped into `scratch` when the field has it.
    @inline(__always)
    func value(_ f: Int, scratch: inout [UInt8]) -> UnsafeBufferPointer<UInt8> {
        fieldEscaped[f] ? Self.unescape(field(f), into: &scratch) : field(f)
    }

    /// A quoted field's bytes with each `""` made one `"`, written into `scratch`.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into scratch: inout [UInt8]) -> UnsafeBufferPointer<UInt8> {
        scratch.removeAll(keepingCapacity: true)
        var k = 0
        while k < raw.count {
            scratch.append(raw[k])
            k += raw[k] == 0x22 ? 2 : 1
        }
        return scratch.withUnsafeBufferPointer { $0 }
    }

    /// Appends a row of values (nil: no value), for sources that are not CSV (JSON Lines).
    func appendRow(_ values: [[UInt8]?], number: Int, line: Int, offset: Int) {
        let size = values.reduce(0) { $0 + ($1?.count ?? 0) }
        reserve(filled + size)
        for value in values {
            fieldStart.append(Int32(filled))
            if let value, !value.isEmpty {
                value.withUnsafeBufferPointer { (bytes + filled).update(from: $0.baseAddress!, count: $0.count) }
                filled += value.count
            }
            fieldEnd.append(Int32(filled))
            fieldEscaped.append(false)
        }
        rowStart.append(Int32(fieldStart.count))
        rowNumber.append(number)
        rowLine.append(line)
        rowOffset.append(offset)
        consumed = filled
    }
}
