import Foundation

/// JSON Lines: one JSON object per line, read in chunks (gzip too).
enum JSONLines {
    /// Calls `body` with each line's object (nil when the line is not a JSON object), its
    /// 1-based line number and byte offset. Blank lines are skipped. Returns the file's sha256.
    @discardableResult
    static func read(path: String, display: String, _ body: ([String: Any]?, Int, Int) -> Void) throws(CheckFailure) -> String {
        let source: ByteReader
        do { source = try ByteReader(path: path, display: display) } catch { throw CheckFailure(error.description) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0, base = 0, line = 0
        var atEnd = false
        while true {
            if !atEnd {
                if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
                let got: Int
                do {
                    got = try buffer.withUnsafeMutableBytes { (raw) throws(ByteReader.Failure) -> Int in
                        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                    }
                } catch let failure as ByteReader.Failure {
                    throw CheckFailure("\(failure.description) (line \(line + 1))")
                } catch {
                    throw CheckFailure("\(display): \(error) (line \(line + 1))")
                }
                if got == 0 { atEnd = true } else { filled += got }
            }
            var start = 0
            while let newline = buffer[start..<filled].firstIndex(of: 0x0A) ?? (atEnd && start < filled ? filled : nil) {
                line += 1
                let slice = buffer[start..<newline]
                if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                    let object = try? JSONSerialization.jsonObject(with: Data(slice)) as? [String: Any]
                    body(object, line, base + start)
                }
                start = min(newline + 1, filled)
                if newline == filled { break }
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                buffer += [UInt8](repeating: 0, count: start)
                filled -= start
                base += start
            }
            if atEnd { break }
        }
        return source.fileDigest
    }

    /// A JSON value as the text a contract checks: strings as they are, numbers and booleans
    /// written out, null and absent as nil.
    static func text(_ value: Any?) -> String? {
        switch value {
        case nil, is NSNull: return nil
        case let s as String: return s.isEmpty ? nil : s
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            let d = n.doubleValue
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let other?:
            guard let data = try? JSONSerialization.data(withJSONObject: other, options: [.fragmentsAllowed]) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
