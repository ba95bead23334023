import Charts
import Checks
import Foundation

/// A page's text as bytes, for the site's many small pages: appending to one reused byte
/// buffer costs far less than building a `String` per page. Escapes as `HTMLPage.escape`.
/// Not to be copied: a copy shares the buffer (each writer thread keeps its own).
struct PageBytes {
    /// The buffer, grown by doubling and freed with the last reference.
    private final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 64)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }

        func append(_ source: UnsafeRawPointer, _ length: Int) {
            if count + length > capacity {
                var grown = capacity * 2
                while grown < count + length { grown *= 2 }
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                bigger.update(from: base, count: count)
                base.deallocate()
                (base, capacity) = (bigger, grown)
            }
            (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: length)
            count += length
        }
    }

    private let storage: Storage

    init(capacity: Int = 4096) { storage = Storage(capacity: capacity) }

    /// The bytes written so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage.base, count: storage.count) }

    /// Starts the next page in the same storage.
    mutating func reset() { storage.count = 0 }

    /// Appends markup as it is.
    mutating func raw(_ text: StaticString) {
        storage.append(text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Appends text as it is (text known to need no escaping, such as a number). Named
    /// apart from `raw(_:)`: a literal would pick the `String` overload and lose the copy
    /// straight from the binary's constant bytes.
    mutating func rawText(_ text: String) {
        var text = text
        text.withUTF8 { if let base = $0.baseAddress { storage.append(base, $0.count) } }
    }

    /// Appends a time as `SitePages.time` writes it (`–` for none).
    mutating func time(_ date: Date?) {
        if let date, let text = Timestamp.bytes(date) {
            withUnsafeBytes(of: text) { storage.append($0.baseAddress!, $0.count) }
        } else {
            rawText(SitePages.time(date))
        }
    }

    /// Appends `text` escaped for HTML, byte for byte as `xmlEscaped` escapes it.
    mutating func escaped(_ text: String) {
        var text = text
        let clean = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x3F && (byte < 0x20 || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27) {
                return false
            }
            if let base = utf8.baseAddress { storage.append(base, utf8.count) }
            return true
        }
        if !clean { rawText(xmlEscaped(text)) }
    }

    /// The page as text (for tests and callers that want a `String`).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes the page to `name` in the open directory `directory`; the error text when it
    /// cannot.
    func write(to name: String, in directory: Int32) -> String? {
        Self.write(UnsafeRawBufferPointer(bytes), to: name, in: directory)
    }

    /// Writes `buffer` to the file `name` in `directory` (`AT_FDCWD`: the current folder),
    /// created or emptied first; the error text when it cannot.
    static func write(_ buffer: UnsafeRawBufferPointer, to name: String, in directory: Int32) -> String? {
        let fd = openat(directory, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var offset = 0
        while offset < buffer.count {
            let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 { if errno == EINTR { continue }; return String(cString: strerror(errno)) }
            offset += n
        }
        return nil
    }
}
