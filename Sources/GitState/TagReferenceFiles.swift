import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The tags of a files reference store (`refs/tags/` loose files, then `packed-refs`), read
/// from the files themselves the way libgit2 1.5's reference iterator reads them, without its
/// per-reference allocations: a registry lists 100,000 tags at every start.
///
/// The same answer as the iterator, in the same order:
/// - Loose files first (a file ending in `.lock` is a writer's and is skipped; a file that
///   vanished or does not hold an object id is skipped, a symbolic one too, as the iterator
///   skips what it cannot read and `referenceEntries` skips symbolic references), then
///   packed entries that no loose file shadows, in the file's sorted order.
/// - Reading the loose files before `packed-refs` is what keeps a tag that `git pack-refs`
///   moves at that moment: it is in one or the other when each is read.
/// - Ids are lower-case hex; a peeled id only when `packed-refs` records one.
///
/// `read()` answers nil for what it leaves to libgit2 (which then reports any error): a
/// `packed-refs` file that does not parse, is not marked sorted or is not in order.
struct TagReferenceFiles {
    /// The repository's common directory (refs live there for every worktree), with a
    /// trailing slash.
    let commonDirectory: String

    typealias Entry = (name: String, id: String, peeled: String?)

    /// The tags, names without `refs/tags/`; nil when libgit2 should list them instead.
    func read() -> [Entry]? {
        var loose: [(name: String, id: String?)] = []
        readLoose(folder: commonDirectory + "refs/tags", name: "", into: &loose)
        loose.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        // A loose symbolic reference hides a packed one of its name, as in libgit2.
        guard let packed = readPacked(shadowedBy: Set(loose.map(\.name))) else { return nil }
        guard !loose.isEmpty else { return packed }
        return loose.compactMap { entry in entry.id.map { (entry.name, $0, nil) } } + packed
    }

    // MARK: Loose references

    /// Each loose file under `folder`: its id, or nil for a symbolic reference.
    private func readLoose(folder: String, name prefix: String, into out: inout [(name: String, id: String?)], depth: Int = 0) {
        // Reference names nest a folder per `/`; a deeper tree than this is no store git wrote.
        guard depth < 64, let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let leaf = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if leaf == "." || leaf == ".." || leaf.hasSuffix(".lock") { continue }
            let path = folder + "/" + leaf
            let type = Int32(entry.pointee.d_type)
            var isFolder = type == Int32(DT_DIR)
            if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                isFolder = (info.st_mode & S_IFMT) == S_IFDIR
            }
            if isFolder {
                readLoose(folder: path, name: prefix + leaf + "/", into: &out, depth: depth + 1)
            } else {
                switch Self.loose(at: path) {
                case .id(let id): out.append((prefix + leaf, id))
                case .symbolic: out.append((prefix + leaf, nil))
                case .unreadable: break
                }
            }
        }
    }

    enum Loose: Equatable { case id(String), symbolic, unreadable }

    /// What a loose reference file holds: 40 hex digits, then the end or a space or line end;
    /// `ref: ` and a name; or anything else (a file that vanished, a corrupt one), which the
    /// iterator skips.
    static func loose(at path: String) -> Loose {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .unreadable }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
        guard count >= 0 else { return .unreadable }
        return bytes.withUnsafeBufferPointer { buffer in
            if count >= 5, memcmp(buffer.baseAddress!, "ref: ", 5) == 0 { return .symbolic }
            guard count >= 40, count == 40 || Self.isSpace(buffer[40]), let id = Self.hexID(buffer, at: 0) else { return .unreadable }
            return .id(id)
        }
    }

    // MARK: packed-refs

    private func readPacked(shadowedBy loose: Set<String>) -> [Entry]? {
        let path = commonDirectory + "packed-refs"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT ? [] : nil }
        defer { close(fd) }
        var info = stat()
        // The size is range-checked: a packed-refs file of 4 GiB or more is left to libgit2.
        guard fstat(fd, &info) == 0, info.st_size >= 0, info.st_size < (1 << 32) else { return nil }
        // Read into memory not zeroed first (11 MB for 100,000 tags).
        let size = Int(info.st_size)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(size, 1))
        defer { buffer.deallocate() }
        var filled = 0
        while filled < size {
            let n = Glibc.read(fd, buffer.baseAddress! + filled, size - filled)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            filled += n
        }
        return Self.parsePacked(UnsafeBufferPointer(rebasing: buffer[..<size]), shadowedBy: loose)
    }

    /// `packed-refs`' tags: `# pack-refs with: … sorted …` first, then `<id> <name>` lines,
    /// each optionally followed by `^<peeled id>`. nil when it is not that, sorted.
    ///
    /// A large file is read in `parts` pieces at once (cut at record boundaries, each
    /// parsed into its own stretch of one buffer, then moved together): a registry's 11 MB
    /// is the one part of its start that would otherwise keep a core idle.
    static func parsePacked(_ bytes: UnsafeBufferPointer<UInt8>, shadowedBy loose: Set<String>, parts: Int? = nil) -> [Entry]? {
        let n = bytes.count
        guard n > 0 else { return [] }
        let header = "# pack-refs with:".utf8
        guard n >= header.count, zip(bytes, header).allSatisfy({ $0 == $1 }) else { return nil }
        guard var start = nextLine(bytes, from: 0) else { return nil }
        guard contains(UnsafeBufferPointer(rebasing: bytes[..<start]), " sorted ") else { return nil }
        while start < n, bytes[start] == 0x23 {  // further comment lines
            guard let next = nextLine(bytes, from: start) else { return nil }
            start = next
        }
        let pieces = pieces(of: bytes, from: start, count: parts ?? (n > (1 << 20) ? ProcessInfo.processInfo.activeProcessorCount : 1))
        // Each record is at least 43 bytes (an id, a space, a name, a line end): room enough.
        let rooms = pieces.map { $0.count / 43 + 1 }
        let offsets = rooms.reduce(into: [0]) { $0.append($0.last! + $1) }  // the last is the total
        let storage = UnsafeMutablePointer<Entry>.allocate(capacity: max(offsets.last!, 1))
        defer { storage.deallocate() }
        var results = [Piece?](repeating: nil, count: pieces.count)
        results.withUnsafeMutableBufferPointer { out in
            let shared = SharedBuffers(bytes: bytes, storage: storage, results: out)
            DispatchQueue.concurrentPerform(iterations: pieces.count) { k in
                shared.results[k] = parseRecords(shared.bytes, pieces[k], shadowedBy: loose, into: shared.storage + offsets[k], room: rooms[k])
            }
        }
        // Every piece read, and in order across the cuts too; else what was made is undone.
        var valid = results.allSatisfy { $0 != nil }
        var previous: Range<Int>?
        for piece in results.compactMap({ $0 }) {
            if let previous, let first = piece.first, !precedes(bytes, previous, first) { valid = false }
            previous = piece.last ?? previous
        }
        guard valid else {
            for (k, piece) in results.enumerated() { if let piece { (storage + offsets[k]).deinitialize(count: piece.count) } }
            return nil
        }
        let count = results.reduce(0) { $0 + $1!.count }
        return [Entry](unsafeUninitializedCapacity: count) { out, made in
            var at = 0
            for (k, piece) in results.enumerated() {
                (out.baseAddress! + at).moveInitialize(from: storage + offsets[k], count: piece!.count)
                at += piece!.count
            }
            made = at
        }
    }

    /// What one piece of `packed-refs` held: how many tags it wrote, and its first and last
    /// names (for the order across pieces).
    struct Piece { let count: Int; let first: Range<Int>?; let last: Range<Int>? }

    /// The records from `start` to the end cut into `count` pieces at record boundaries (a
    /// `^` line stays with its record); a piece may be empty.
    static func pieces(of bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> [Range<Int>] {
        let n = bytes.count
        var cuts = [start]
        for k in 1..<max(count, 1) {
            var cut = max(start + (n - start) * k / count, cuts.last!)
            if cut > start, cut < n, bytes[cut - 1] != 0x0A { cut = nextLine(bytes, from: cut) ?? n }
            while cut < n, bytes[cut] == 0x5E { cut = nextLine(bytes, from: cut) ?? n }
            cuts.append(min(cut, n))
        }
        cuts.append(n)
        return (0..<(cuts.count - 1)).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// Parses the records in `range` into `out` (room for `room`); nil when they are not
    /// `packed-refs` records in order (what was written then is undone).
    private static func parseRecords(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, shadowedBy loose: Set<String>,
                                     into out: UnsafeMutablePointer<Entry>, room: Int) -> Piece? {
        let n = range.upperBound
        var i = range.lowerBound
        var count = 0
        var first: Range<Int>?, previous: Range<Int>?
        let prefix: StaticString = "refs/tags/"
        func fail() -> Piece? {
            out.deinitialize(count: count)
            return nil
        }
        while i < n {
            guard i + 41 < n, let id = hexID(bytes, at: i), bytes[i + 40] == 0x20 else { return fail() }
            let nameStart = i + 41
            guard let end = nextLine(bytes, from: nameStart), end <= n else { return fail() }
            var nameEnd = end - 1
            if nameEnd > nameStart, bytes[nameEnd - 1] == 0x0D { nameEnd -= 1 }
            // Sorted, as the header says, so no name comes twice.
            if let previous, !precedes(bytes, previous, nameStart..<nameEnd) { return fail() }
            previous = nameStart..<nameEnd
            if first == nil { first = previous }
            i = end
            var peeled: String?
            if i < n, bytes[i] == 0x5E {
                guard i + 41 <= n, let peel = hexID(bytes, at: i + 1) else { return fail() }
                if peel.utf8.contains(where: { $0 != 0x30 }) { peeled = peel }
                i += 41
                if i < n {
                    guard let next = nextLine(bytes, from: i), next <= n else { return fail() }
                    i = next
                }
            }
            let nameLength = nameEnd - nameStart
            guard nameLength > prefix.utf8CodeUnitCount,
                  memcmp(bytes.baseAddress! + nameStart, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0 else { continue }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(nameStart + prefix.utf8CodeUnitCount)..<nameEnd]), as: UTF8.self)
            if !loose.isEmpty, loose.contains(name) { continue }
            guard count < room else { return fail() }
            (out + count).initialize(to: (name, id, peeled))
            count += 1
        }
        return Piece(count: count, first: first, last: previous)
    }

    // MARK: Bytes

    /// The index after the next line end from `start`; nil when no line end follows.
    private static func nextLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let found = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!) + 1
    }

    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        for start in 0...(bytes.count - count) where memcmp(bytes.baseAddress! + start, word.utf8Start, count) == 0 { return true }
        return false
    }

    /// Whether name `a` sorts strictly before name `b` (byte order, as libgit2 sorts).
    private static func precedes(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let common = min(a.count, b.count)
        let order = memcmp(bytes.baseAddress! + a.lowerBound, bytes.baseAddress! + b.lowerBound, common)
        return order < 0 || (order == 0 && a.count < b.count)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    /// 40 hex digits at `start` as a lower-case id (libgit2 accepts either case); nil when
    /// they are not.
    static func hexID(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> String? {
        guard start + 40 <= bytes.count else { return nil }
        var valid = true
        let id = String(unsafeUninitializedCapacity: 40) { out in
            for k in 0..<40 {
                let b = bytes[start + k]
                switch b {
                case 0x30...0x39, 0x61...0x66: out[k] = b
                case 0x41...0x46: out[k] = b + 0x20
                default: valid = false; out[k] = 0x30
                }
            }
            return 40
        }
        return valid ? id : nil
    }
}

/// The file's bytes (read only), the entries' buffer and the pieces' results, shared with
/// `concurrentPerform`, whose iterations each write their own stretch and result.
private struct SharedBuffers: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    let storage: UnsafeMutablePointer<TagReferenceFiles.Entry>
    let results: UnsafeMutableBufferPointer<TagReferenceFiles.Piece?>
}
