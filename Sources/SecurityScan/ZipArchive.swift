internal import CZlib
import Foundation

/// The entries of a zip archive held in memory (PyTorch's `.pt`, Keras' `.keras`, numpy's
/// `.npz`): the central directory, ZIP64 included, and each entry's bytes, stored or deflated.
/// Sizes are range-checked against the archive before anything is read.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: Int
        let compressedSize: Int
        let size: Int
        let localHeader: Int
    }

    let entries: [Entry]
    private let bytes: UnsafeRawBufferPointer

    static func isZip(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 4 && b[0] == 0x50 && b[1] == 0x4B && b[2] == 0x03 && b[3] == 0x04
    }

    /// nil when the archive's directory cannot be read.
    init?(_ b: UnsafeRawBufferPointer) {
        bytes = b
        func u16(_ at: Int) -> Int { at + 2 <= b.count ? Int(b[at]) | Int(b[at + 1]) << 8 : -1 }
        func u32(_ at: Int) -> Int { at + 4 <= b.count ? u16(at) | u16(at + 2) << 16 : -1 }
        func u64(_ at: Int) -> Int {
            guard at + 8 <= b.count else { return -1 }
            let v = UInt64(u32(at)) | UInt64(u32(at + 4)) << 32
            return v > UInt64(Int.max) ? -1 : Int(v)
        }
        // The end-of-central-directory record, in the last 64 KB.
        guard b.count >= 22 else { return nil }
        var eocd = -1
        var k = b.count - 22
        while k >= max(0, b.count - 22 - 65_535) {
            if u32(k) == 0x0605_4B50 { eocd = k; break }
            k -= 1
        }
        guard eocd >= 0 else { return nil }
        var count = u16(eocd + 10)
        var directory = u32(eocd + 16)
        // ZIP64: the locator just before, pointing at the ZIP64 record.
        if (count == 0xFFFF || directory == 0xFFFF_FFFF), eocd >= 20, u32(eocd - 20) == 0x0706_4B50 {
            let record = u64(eocd - 12)
            guard record >= 0, u32(record) == 0x0606_4B50 else { return nil }
            count = u64(record + 32)
            directory = u64(record + 48)
        }
        guard count >= 0, count <= 1_000_000, directory >= 0, directory < b.count else { return nil }
        var entries: [Entry] = []
        var at = directory
        for _ in 0..<count {
            guard u32(at) == 0x0201_4B50 else { return nil }
            let method = u16(at + 10)
            var compressed = u32(at + 20), size = u32(at + 24)
            let nameLength = u16(at + 28), extraLength = u16(at + 30), commentLength = u16(at + 32)
            var local = u32(at + 42)
            guard nameLength >= 0, extraLength >= 0, commentLength >= 0, at + 46 + nameLength <= b.count else { return nil }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: b[(at + 46)..<(at + 46 + nameLength)]), as: UTF8.self)
            // ZIP64 extra field: the sizes and offset that did not fit.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(extra), length = u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = u64(field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = u64(field); field += 8 }
                    if local == 0xFFFF_FFFF { local = u64(field) }
                }
                extra += 4 + max(0, length)
            }
            guard compressed >= 0, size >= 0, local >= 0, local < b.count else { return nil }
            entries.append(Entry(name: name, method: method, compressedSize: compressed, size: size, localHeader: local))
            at = extraEnd + commentLength
        }
        self.entries = entries
    }

    /// An entry's bytes (at most `limit`); nil when it is damaged, too large or compressed
    /// with a method other than stored and deflate.
    func contents(of entry: Entry, limit: Int = 1 << 30) -> [UInt8]? {
        let b = bytes
        let at = entry.localHeader
        guard at + 30 <= b.count, b[at] == 0x50, b[at + 1] == 0x4B, b[at + 2] == 0x03, b[at + 3] == 0x04 else { return nil }
        let nameLength = Int(b[at + 26]) | Int(b[at + 27]) << 8, extraLength = Int(b[at + 28]) | Int(b[at + 29]) << 8
        let start = at + 30 + nameLength + extraLength
        guard entry.size <= limit, start + entry.compressedSize <= b.count else { return nil }
        let data = UnsafeRawBufferPointer(rebasing: b[start..<(start + entry.compressedSize)])
        switch entry.method {
        case 0: return Array(data)
        case 8: return Self.inflate(data, size: entry.size)
        default: return nil
        }
    }

    /// Raw deflate (no zlib header), to exactly `size` bytes.
    private static func inflate(_ data: UnsafeRawBufferPointer, size: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: max(size, 1))
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        let status: Int32 = out.withUnsafeMutableBytes { target in
            stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(data.count)
            stream.next_out = target.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(target.count)
            return CZlib.inflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END || (size == 0 && status == Z_BUF_ERROR), Int(stream.total_out) == size else { return nil }
        return size == 0 ? [] : out
    }
}
