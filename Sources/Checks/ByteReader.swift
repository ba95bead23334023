#if canImport(Glibc)
import Glibc
#endif
internal import CZlib
import Crypto
import Foundation

/// A data file's bytes, read in chunks: as they are, or inflated when the file is gzip
/// (recognised by its magic bytes, whatever its name). Memory does not grow with the file.
final class ByteReader {
    /// A file that cannot be read, or a gzip stream that is corrupt (with the compressed
    /// byte offset where it broke).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let display: String
    private let fd: Int32
    /// zlib's state, at a fixed address (zlib checks that it does not move).
    private var zs: UnsafeMutablePointer<z_stream>?
    private static let inputSize = 1 << 18
    /// Compressed input, at a fixed address (zlib keeps pointers into it between calls).
    private let input = UnsafeMutablePointer<UInt8>.allocate(capacity: ByteReader.inputSize)
    private var compressedOffset = 0
    private var finished = false
    /// sha256 of the file's bytes as stored (compressed or not), taken as they are read.
    private var hasher = SHA256()

    /// The file's sha256 in hex, once every byte has been read (`read` returned 0).
    var fileDigest: String { hasher.finalize().map { String(format: "%02x", $0) }.joined() }

    /// Whether the file is gzip-compressed.
    var isGzip: Bool { zs != nil }

    init(path: String, display: String) throws(Failure) {
        self.display = display
        fd = open(path, O_RDONLY | O_CLOEXEC)
        // Thrown after every property is set: deinit frees the buffer (and closes nothing).
        guard fd >= 0 else {
            throw Failure(description: "\(display) cannot be read: \(String(cString: strerror(errno)))")
        }
        var magic: [UInt8] = [0, 0]
        if pread(fd, &magic, 2, 0) == 2, magic == [0x1F, 0x8B] {
            let state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            state.initialize(to: z_stream())
            // 16 + MAX_WBITS: a gzip header and trailer around the deflate stream.
            guard inflateInit2_(state, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                state.deallocate()
                throw Failure(description: "\(display): cannot start reading gzip")
            }
            zs = state
        }
    }

    deinit {
        if let zs {
            inflateEnd(zs)
            zs.deallocate()
        }
        input.deallocate()
        if fd >= 0 { close(fd) }
    }

    /// Reads more compressed input; 0 at the end of the file.
    private func refill(_ stream: UnsafeMutablePointer<z_stream>) throws(Failure) -> Int {
        while true {
            let got = Glibc.read(fd, input, Self.inputSize)
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw Failure(description: "\(display) cannot be read: \(String(cString: strerror(errno)))") }
            compressedOffset += got
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: input, count: got))
            stream.pointee.next_in = input
            stream.pointee.avail_in = uInt(got)
            return got
        }
    }

    /// Fills `buffer` from the start with up to its size; returns how many bytes (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        guard let stream = zs else {
            while true {
                let got = Glibc.read(fd, buffer.baseAddress, buffer.count)
                if got < 0, errno == EINTR { continue }
                guard got >= 0 else { throw Failure(description: "\(display) cannot be read: \(String(cString: strerror(errno)))") }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer.baseAddress, count: got))
                return got
            }
        }
        guard !finished else { return 0 }
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(buffer.count)
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0, try refill(stream) == 0 {
                throw Failure(description: "\(display): the gzip data ends early, at compressed byte \(compressedOffset) (a truncated file?)")
            }
            let status = inflate(stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                // Concatenated gzip members (as `cat a.gz b.gz` makes) continue the data.
                if stream.pointee.avail_in == 0, try refill(stream) == 0 {
                    finished = true
                    break
                }
                inflateReset(stream)
                continue
            }
            if status == Z_BUF_ERROR, stream.pointee.avail_in == 0 { continue }
            guard status == Z_OK else {
                let at = compressedOffset - Int(stream.pointee.avail_in)
                throw Failure(description: "\(display) is not valid gzip (at compressed byte \(at)): \(stream.pointee.msg.map { String(cString: $0) } ?? "corrupt data")")
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}
