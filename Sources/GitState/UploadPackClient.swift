#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of git's `upload-pack` in protocol v2, as much as a depth-1 fetch needs:
/// `ls-refs` and `fetch` (`want`, `deepen 1`, `done`) over `git://` or smart HTTP(S).
/// libgit2 1.5 cannot fetch shallow; this asks for only the commit's tree, and the pack it
/// gets is indexed by libgit2 (`Repository.fetchShallow`).
struct UploadPackClient {
    /// One packet of a pkt-line stream.
    enum Packet: Equatable {
        case data([UInt8])
        case flush
        case delimiter
        case responseEnd
    }

    /// A failure: the server, the network, or a reply this client does not understand.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let transport: any Transport

    /// Opens `url` (`git://host[:port]/path` or `http(s)://host/path`); nil for any other
    /// kind of URL (a path, ssh), which libgit2 fetches. `token` authenticates over HTTPS as
    /// GitHub's `x-access-token`.
    init?(url: String, token: String?) throws(Failure) {
        if url.hasPrefix("git://") {
            transport = try GitDaemonTransport(url: url)
        } else if url.hasPrefix("http://") || url.hasPrefix("https://") {
            transport = SmartHTTPTransport(url: url, token: token)
        } else {
            return nil
        }
        let capabilities = try transport.capabilities()
        guard capabilities.contains("version 2") else {
            throw Failure(description: "the server does not speak git's protocol v2")
        }
    }

    /// The refs named exactly `names`, with the commit each comes to (peeled through tags).
    func commits(of names: [String]) throws(Failure) -> [(name: String, commit: String)] {
        var request = Self.line("command=ls-refs") + Self.line("agent=mlgate") + Self.delimiterBytes + Self.line("peel")
        for name in names { request += Self.line("ref-prefix " + name) }
        request += Self.flushBytes
        var result: [(String, String)] = []
        for packet in try transport.command(request) {
            guard case .data(let bytes) = packet else { continue }
            let words = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines).split(separator: " ").map(String.init)
            guard words.count >= 2, names.contains(words[1]), Self.isObjectID(words[0]) else { continue }
            let peeled = words.dropFirst(2).first { $0.hasPrefix("peeled:") }.map { String($0.dropFirst("peeled:".count)) }
            result.append((words[1], peeled ?? words[0]))
        }
        return result
    }

    /// The pack of `commits` and their trees, without history (`deepen 1`).
    func shallowPack(of commits: [String]) throws(Failure) -> [UInt8] {
        var request = Self.line("command=fetch") + Self.line("agent=mlgate") + Self.delimiterBytes
        request += Self.line("ofs-delta") + Self.line("no-progress") + Self.line("deepen 1")
        for commit in commits { request += Self.line("want " + commit) }
        request += Self.line("done") + Self.flushBytes
        var pack: [UInt8] = []
        var inPackfile = false
        for packet in try transport.command(request) {
            guard case .data(let bytes) = packet else { continue }
            if !inPackfile {
                let text = String(decoding: bytes, as: UTF8.self)
                if text == "packfile\n" { inPackfile = true }
                if text.hasPrefix("ERR ") { throw Failure(description: text.dropFirst(4).trimmingCharacters(in: .newlines)) }
                continue
            }
            // Side band: 1 is the pack, 2 progress, 3 a fatal error.
            guard let band = bytes.first else { continue }
            switch band {
            case 1: pack += bytes.dropFirst()
            case 3: throw Failure(description: String(decoding: bytes.dropFirst(), as: UTF8.self).trimmingCharacters(in: .newlines))
            default: break
            }
        }
        guard pack.count >= 12, Array(pack[0..<4]) == Array("PACK".utf8) else { throw Failure(description: "the server sent no pack") }
        return pack
    }

    // MARK: pkt-line

    static func line(_ text: String) -> [UInt8] {
        let payload = Array((text + "\n").utf8)
        return Array(String(format: "%04x", payload.count + 4).utf8) + payload
    }

    static let flushBytes = Array("0000".utf8)
    static let delimiterBytes = Array("0001".utf8)

    static func isObjectID(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy(\.isHexDigit)
    }

    /// Reads packets from `next(n)`, which returns exactly n bytes (or throws), until a flush
    /// at the end of a response (or `responseEnd`).
    static func readResponse(_ next: (Int) throws(Failure) -> [UInt8]) throws(Failure) -> [Packet] {
        var packets: [Packet] = []
        while true {
            let header = try next(4)
            guard let length = Int(String(decoding: header, as: UTF8.self), radix: 16) else {
                throw Failure(description: "malformed reply from the git server")
            }
            switch length {
            case 0: packets.append(.flush); return packets
            case 1: packets.append(.delimiter)
            case 2: packets.append(.responseEnd); return packets
            case 3: throw Failure(description: "malformed reply from the git server")
            default:
                guard length <= 65_520 else { throw Failure(description: "malformed reply from the git server (a packet of \(length) bytes)") }
                packets.append(.data(try next(length - 4)))
            }
        }
    }
}

/// How requests reach `upload-pack`.
protocol Transport {
    /// The server's capability advertisement, one line each.
    func capabilities() throws(UploadPackClient.Failure) -> [String]
    /// Sends a request; returns the response's packets up to its closing flush.
    func command(_ request: [UInt8]) throws(UploadPackClient.Failure) -> [UploadPackClient.Packet]
}

/// `git://host[:port]/path`: one TCP connection, requests one after another on it.
final class GitDaemonTransport: Transport {
    private let socket: Int32
    private let host: String
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0

    init(url: String) throws(UploadPackClient.Failure) {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw UploadPackClient.Failure(description: "cannot read the URL \(url)")
        }
        let port = components.port ?? 9418
        guard (1...65_535).contains(port) else { throw UploadPackClient.Failure(description: "port \(port) is out of range") }
        self.host = host
        self.path = components.path.isEmpty ? "/" : components.path
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw UploadPackClient.Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var connected: Int32 = -1
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let candidate = entry {
            let fd = Glibc.socket(candidate.pointee.ai_family, candidate.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), candidate.pointee.ai_protocol)
            if fd >= 0 {
                if connect(fd, candidate.pointee.ai_addr, candidate.pointee.ai_addrlen) == 0 {
                    connected = fd
                    break
                }
                close(fd)
            }
            entry = candidate.pointee.ai_next
        }
        guard connected >= 0 else { throw UploadPackClient.Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))") }
        socket = connected
    }

    deinit { close(socket) }

    func capabilities() throws(UploadPackClient.Failure) -> [String] {
        // The request line: the service, the path, the host, and (after an empty field) the
        // protocol version, as git does.
        var request = Array("git-upload-pack \(path)".utf8) + [0] + Array("host=\(host)".utf8) + [0, 0] + Array("version=2".utf8) + [0]
        request = Array(String(format: "%04x", request.count + 4).utf8) + request
        try send(request)
        return try UploadPackClient.readResponse(read).compactMap {
            if case .data(let bytes) = $0 { return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines) }
            return nil
        }
    }

    func command(_ request: [UInt8]) throws(UploadPackClient.Failure) -> [UploadPackClient.Packet] {
        try send(request)
        return try UploadPackClient.readResponse(read)
    }

    private func send(_ bytes: [UInt8]) throws(UploadPackClient.Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw UploadPackClient.Failure(description: "the git server closed the connection: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Exactly `count` bytes from the connection.
    private func read(_ count: Int) throws(UploadPackClient.Failure) -> [UInt8] {
        while buffer.count - start < count {
            if start > 0, start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let got = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw UploadPackClient.Failure(description: "the git server closed the connection early") }
            buffer += chunk[0..<got]
        }
        let bytes = Array(buffer[start..<(start + count)])
        start += count
        if start >= 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        return bytes
    }
}

/// Smart HTTP(S): `GET info/refs` for the capabilities, then one `POST git-upload-pack` per
/// request (protocol v2 is stateless over HTTP).
final class SmartHTTPTransport: Transport {
    private let base: String
    private let authorization: String?

    init(url: String, token: String?) {
        base = url.hasSuffix("/") ? String(url.dropLast()) : url
        authorization = token.map { "Basic " + Data("x-access-token:\($0)".utf8).base64EncodedString() }
    }

    func capabilities() throws(UploadPackClient.Failure) -> [String] {
        let body = try exchange(URLRequest(url: try url("/info/refs?service=git-upload-pack")))
        var lines: [String] = []
        var offset = 0
        let packets = try UploadPackClient.readResponse { (n: Int) throws(UploadPackClient.Failure) -> [UInt8] in
            guard offset + n <= body.count else { throw UploadPackClient.Failure(description: "the git server's reply ended early") }
            defer { offset += n }
            return Array(body[offset..<(offset + n)])
        }
        var all = packets
        // A "# service=" line and its flush may come first (as in protocol v0).
        if case .data(let first)? = packets.first, String(decoding: first, as: UTF8.self).hasPrefix("# service=") {
            all = try UploadPackClient.readResponse { (n: Int) throws(UploadPackClient.Failure) -> [UInt8] in
                guard offset + n <= body.count else { throw UploadPackClient.Failure(description: "the git server's reply ended early") }
                defer { offset += n }
                return Array(body[offset..<(offset + n)])
            }
        }
        for case .data(let bytes) in all { lines.append(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)) }
        return lines
    }

    func command(_ request: [UInt8]) throws(UploadPackClient.Failure) -> [UploadPackClient.Packet] {
        var post = URLRequest(url: try url("/git-upload-pack"))
        post.httpMethod = "POST"
        post.httpBody = Data(request)
        post.setValue("application/x-git-upload-pack-request", forHTTPHeaderField: "Content-Type")
        post.setValue("application/x-git-upload-pack-result", forHTTPHeaderField: "Accept")
        let body = try exchange(post)
        var offset = 0
        return try UploadPackClient.readResponse { (n: Int) throws(UploadPackClient.Failure) -> [UInt8] in
            guard offset + n <= body.count else { throw UploadPackClient.Failure(description: "the git server's reply ended early") }
            defer { offset += n }
            return Array(body[offset..<(offset + n)])
        }
    }

    private func url(_ suffix: String) throws(UploadPackClient.Failure) -> URL {
        guard let url = URL(string: base + suffix) else { throw UploadPackClient.Failure(description: "cannot read the URL \(base)") }
        return url
    }

    /// The body of a 200 reply to `request`.
    private func exchange(_ request: URLRequest) throws(UploadPackClient.Failure) -> [UInt8] {
        var request = request
        request.setValue("version=2", forHTTPHeaderField: "Git-Protocol")
        request.setValue("git/2.39 (mlgate)", forHTTPHeaderField: "User-Agent")
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        request.timeoutInterval = 60
        final class Reply: @unchecked Sendable { var data: Data?; var status = 0; var error: String? }
        let reply = Reply()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            reply.data = data
            reply.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            reply.error = error.map { "\($0.localizedDescription)" }
            done.signal()
        }.resume()
        done.wait()
        if let error = reply.error { throw UploadPackClient.Failure(description: error) }
        guard reply.status == 200, let data = reply.data else {
            throw UploadPackClient.Failure(description: reply.status == 401 || reply.status == 403 || reply.status == 404
                ? "the server answered \(reply.status): the repository does not exist or needs GITHUB_TOKEN"
                : "the server answered \(reply.status)")
        }
        return [UInt8](data)
    }
}
