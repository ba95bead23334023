import Foundation
import Testing
import TestSupport
@testable import GitState

/// The tag list read from the reference files against libgit2's own iterator, on the stores
/// git writes and on the odd ones.
@Suite("Tags listed from the reference files")
struct TagReferenceFilesTests {
    typealias Entry = (name: String, id: String, peeled: String?)

    func same(_ a: [Entry], _ b: [Entry]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.id == $1.id && $0.peeled == $1.peeled }
    }

    /// A repository with annotated, lightweight and nested tags on two commits.
    func repository() throws -> (TemporaryRepository, String, String) {
        let repo = try TemporaryRepository()
        try repo.write("a.txt", "one\n")
        let c1 = try repo.commitAll("c1")
        for name in ["churn@v1.0.0", "churn#staging#1", "ns/model@v0.1.0", "a", "a-b", "a0", "ab", "Z"] {
            try repo.git("tag", "-a", name, "-m", "tag \(name)")
        }
        try repo.git("tag", "light")
        try repo.write("a.txt", "two\n")
        let c2 = try repo.commitAll("c2")
        try repo.git("tag", "-a", "churn@v1.1.0", "-m", "second")
        return (repo, c1, c2)
    }

    func files(_ repo: TemporaryRepository) -> TagReferenceFiles {
        TagReferenceFiles(commonDirectory: repo.path + "/.git/")
    }

    @Test("loose only, packed only, and packed with loose tags beside and over them: libgit2's list, in its order")
    func matchesLibgit2() throws {
        let (repo, _, c2) = try repository()
        let repository = try Repository(discovering: repo.path)
        // Loose only.
        var listed = try #require(files(repo).read())
        #expect(listed.count == 10)
        #expect(same(listed, try repository.libgit2TagReferences()))
        #expect(listed.allSatisfy { $0.peeled == nil })
        // Packed (peeled lines for the annotated tags).
        try repo.git("pack-refs", "--all")
        listed = try #require(files(repo).read())
        #expect(same(listed, try repository.libgit2TagReferences()))
        #expect(listed.first { $0.name == "churn@v1.1.0" }?.peeled == c2)
        #expect(listed.first { $0.name == "light" }?.peeled == nil)
        // New loose tags beside the packed ones, one moved over a packed one (it shadows it).
        try repo.git("tag", "-a", "late@v1.0.0", "-m", "late")
        try repo.git("tag", "-f", "-a", "churn@v1.0.0", "-m", "moved", "HEAD")
        listed = try #require(files(repo).read())
        #expect(same(listed, try repository.libgit2TagReferences()))
        #expect(listed.filter { $0.name == "churn@v1.0.0" }.count == 1)
        #expect(listed.first { $0.name == "churn@v1.0.0" }?.peeled == nil)
        // A writer's lock file and a folder with nothing in it are no tags.
        try "0123456789012345678901234567890123456789\n".write(toFile: repo.path + "/.git/refs/tags/half.lock", atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/refs/tags/empty", withIntermediateDirectories: true)
        listed = try #require(files(repo).read())
        #expect(same(listed, try repository.libgit2TagReferences()))
        #expect(!listed.contains { $0.name.hasPrefix("half") })
        // What Repository.tagReferences answers is this list.
        #expect(same(try repository.tagReferences(), listed))
    }

    @Test("a corrupt loose file is skipped and a symbolic one hides its packed namesake, as libgit2 does")
    func oddLooseFiles() throws {
        let (repo, _, _) = try repository()
        try repo.git("pack-refs", "--all")
        let tags = repo.path + "/.git/refs/tags/"
        try "not an id\n".write(toFile: tags + "corrupt", atomically: false, encoding: .utf8)
        try "ref: refs/heads/main\n".write(toFile: tags + "a", atomically: false, encoding: .utf8)
        let upper = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        try (upper + " trailing words\n").write(toFile: tags + "upper", atomically: false, encoding: .utf8)
        let repository = try Repository(discovering: repo.path)
        let listed = try #require(files(repo).read())
        #expect(same(listed, try repository.libgit2TagReferences()))
        #expect(!listed.contains { $0.name == "a" || $0.name == "corrupt" })
        #expect(listed.first { $0.name == "upper" }?.id == upper.lowercased())
    }

    @Test("packed-refs without a sorted header, out of order, cut short or corrupt is left to libgit2, which reports it")
    func leftToLibgit2() throws {
        let (repo, _, _) = try repository()
        try repo.git("pack-refs", "--all")
        let path = repo.path + "/.git/packed-refs"
        let packed = try String(contentsOfFile: path, encoding: .utf8)
        var lines = packed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let repository = try Repository(discovering: repo.path)
        let expected = try repository.libgit2TagReferences()

        // No header: libgit2 reads it (unsorted), this reader does not.
        try lines.dropFirst().joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(files(repo).read() == nil)
        #expect(same(try repository.tagReferences(), expected))

        // Out of order under a sorted header.
        let first = lines.firstIndex { $0.contains("refs/tags/a") }!
        let last = lines.lastIndex { $0.contains("refs/tags/") && !$0.hasPrefix("^") }!
        lines.swapAt(first, last)
        try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(files(repo).read() == nil)

        // Cut short inside an id, and an id that is not hex: libgit2's error comes through.
        for broken in [String(packed.prefix(packed.count - 30)), packed.replacingOccurrences(of: "refs/tags/ab\n", with: "refs/tags/ab\n^zz\n")] {
            try broken.write(toFile: path, atomically: false, encoding: .utf8)
            #expect(files(repo).read() == nil)
            #expect(throws: GitError.self) { try repository.tagReferences() }
        }

        // An empty file, and none at all: the loose tags only.
        try "".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try #require(files(repo).read()).isEmpty)
        try FileManager.default.removeItem(atPath: path)
        #expect(try #require(files(repo).read()).isEmpty)
    }

    @Test("CRLF line ends and a CR in packed-refs read as libgit2 reads them")
    func carriageReturns() throws {
        let (repo, _, _) = try repository()
        try repo.git("pack-refs", "--all")
        let path = repo.path + "/.git/packed-refs"
        let packed = try String(contentsOfFile: path, encoding: .utf8)
        try packed.replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: "\r\n^", with: "\n^")
            .write(toFile: path, atomically: false, encoding: .utf8)
        let repository = try Repository(discovering: repo.path)
        let listed = try #require(files(repo).read())
        #expect(listed.count == 10)
        #expect(same(listed, try repository.libgit2TagReferences()))
    }
}

extension TagReferenceFilesTests {
    @Test("beside git creating tags and packing every reference in a loop, no listing misses a tag an earlier listing had")
    func packRefsRace() throws {
        let (repo, _, _) = try repository()
        for i in 0..<300 { try repo.git("tag", "old-\(i)") }
        // Real git processes: one creates 150 tags, one packs every reference 40 times.
        func start(_ script: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let tagger = try start("for i in $(seq 1 150); do git tag new-$i || exit 1; done")
        let packer = try start("for i in $(seq 1 40); do git pack-refs --all || exit 1; done")
        let repository = try Repository(discovering: repo.path)
        var seen: Set<String> = []
        var listings = 0
        while tagger.isRunning || packer.isRunning || listings < 5 {
            let names = Set(try repository.tagReferences().map(\.name))
            let lost = seen.subtracting(names)
            #expect(lost.isEmpty, "listing \(listings) lost \(lost.sorted().prefix(5))")
            seen.formUnion(names)
            listings += 1
        }
        tagger.waitUntilExit()
        packer.waitUntilExit()
        #expect(tagger.terminationStatus == 0 && packer.terminationStatus == 0)
        #expect(listings > 20)
        let final = try repository.tagReferences()
        #expect(final.count == 10 + 300 + 150)
        #expect(same(final, try repository.libgit2TagReferences()))
    }
}

extension TagReferenceFilesTests {
    @Test("read in 1 to 9 pieces at once, packed-refs gives the same list; disorder across a cut and a corrupt id are caught in any piece")
    func pieces() throws {
        let (repo, _, _) = try repository()
        for i in 0..<40 { try repo.git("tag", i % 2 == 0 ? "light-\(i)" : "-a", i % 2 == 0 ? "HEAD" : "annotated-\(i)", "-m", "m") }
        try repo.git("pack-refs", "--all")
        let packed = Array(try String(contentsOfFile: repo.path + "/.git/packed-refs", encoding: .utf8).utf8)
        func parse(_ bytes: [UInt8], _ parts: Int) -> [Entry]? {
            bytes.withUnsafeBufferPointer { TagReferenceFiles.parsePacked($0, shadowedBy: [], parts: parts) }
        }
        let whole = try #require(parse(packed, 1))
        #expect(whole.count == 50)
        let repository = try Repository(discovering: repo.path)
        #expect(same(whole, try repository.libgit2TagReferences()))
        for parts in 2...9 {
            #expect(same(try #require(parse(packed, parts)), whole), "\(parts) pieces")
            // The pieces cover the records end to end, each from the start of a record.
            let cuts = packed.withUnsafeBufferPointer { TagReferenceFiles.pieces(of: $0, from: 0, count: parts) }
            #expect(cuts.first?.lowerBound == 0 && cuts.last?.upperBound == packed.count)
            #expect(zip(cuts, cuts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(cuts.allSatisfy { $0.isEmpty || $0.lowerBound == 0 || (packed[$0.lowerBound - 1] == 0x0A && packed[$0.lowerBound] != 0x5E) })
        }
        // Two records swapped, far apart (so in different pieces), and an id made not hex.
        var lines = String(decoding: packed, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let records = lines.indices.filter { lines[$0].count > 41 && !lines[$0].hasPrefix("^") && !lines[$0].hasPrefix("#") }
        var swapped = lines
        swapped.swapAt(records[1], records[records.count - 2])
        lines[records[records.count / 2]] = "zz" + lines[records[records.count / 2]].dropFirst(2)
        for parts in 1...9 {
            #expect(parse(Array(swapped.joined(separator: "\n").utf8), parts) == nil, "\(parts) pieces, out of order")
            #expect(parse(Array(lines.joined(separator: "\n").utf8), parts) == nil, "\(parts) pieces, corrupt id")
        }
    }
}

extension TagReferenceFilesTests {
    @Test("10,000 mutated packed-refs files and 3,000 loose ones: a list or nil, never a crash; a list is the same in 1 or 3 pieces, every id 40 hex digits")
    func fuzz() throws {
        let (repo, _, _) = try repository()
        try repo.git("pack-refs", "--all")
        let valid = Array(try String(contentsOfFile: repo.path + "/.git/packed-refs", encoding: .utf8).utf8)
        var random = SeededRandom(state: 22)
        var parsed = 0
        for _ in 0..<10_000 {
            var bytes = valid
            for _ in 0..<(1 + random.below(4)) {
                switch random.below(5) {
                case 0 where !bytes.isEmpty: bytes.remove(at: random.below(bytes.count))
                case 1: bytes.insert([0x0A, 0x0D, 0x5E, 0x20, 0x23, 0x00, 0xFF, 0x41, 0x7A][random.below(9)], at: random.below(bytes.count + 1))
                case 2 where !bytes.isEmpty: bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                case 3: bytes = Array(bytes.prefix(random.below(bytes.count + 1)))
                default:  // a record line repeated elsewhere
                    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                    if lines.count > 2 { bytes.insert(contentsOf: Array(lines[random.below(lines.count)]) + [0x0A], at: random.below(bytes.count + 1)) }
                }
            }
            let one = bytes.withUnsafeBufferPointer { TagReferenceFiles.parsePacked($0, shadowedBy: [], parts: 1) }
            let three = bytes.withUnsafeBufferPointer { TagReferenceFiles.parsePacked($0, shadowedBy: [], parts: 3) }
            #expect((one == nil) == (three == nil))
            if let one, let three {
                parsed += 1
                #expect(same(one, three))
                #expect(one.allSatisfy { $0.id.utf8.count == 40 && $0.id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } })
            }
        }
        #expect(parsed > 100)  // mutations that keep the records in order still read (229 of 10,000 with this seed)
        // Loose files: random bytes of random lengths.
        let path = repo.path + "/.git/refs/tags/fuzzed"
        for _ in 0..<3_000 {
            let length = random.below(140)
            let bytes = (0..<length).map { _ in random.below(3) == 0 ? UInt8(truncatingIfNeeded: random.next()) : Array("0123456789abcdef ref:\n".utf8)[random.below(22)] }
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            if case .id(let id) = TagReferenceFiles.loose(at: path) {
                #expect(id.utf8.count == 40 && Array(id.utf8) == Array(bytes.prefix(40)).map { (0x41...0x46).contains($0) ? $0 + 0x20 : $0 })
            }
        }
    }
}
