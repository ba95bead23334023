import Charts
import Foundation

/// A page's text as bytes, for the site's many small pages: appending to one reused byte
/// buffer costs far less than building a `String` per page. Escapes as `HTMLPage.escape`.
struct PageBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    /// Starts the next page in the same storage.
    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Appends markup as it is.
    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends text as it is (text known to need no escaping, such as a timestamp).
    mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends `text` escaped for HTML, byte for byte as `xmlEscaped` escapes it.
    mutating func escaped(_ text: String) {
        var text = text
        let clean = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x3F && (byte < 0x20 || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27) {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !clean { raw(xmlEscaped(text)) }
    }

    /// The page as text (for tests and callers that want a `String`).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes the page to `name` in the open directory `directory`; the error text when it
    /// cannot.
    func write(to name: String, in directory: Int32) -> String? {
        bytes.withUnsafeBytes { Self.write($0, to: name, in: directory) }
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
