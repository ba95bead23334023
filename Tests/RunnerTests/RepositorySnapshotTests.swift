import Foundation
import Testing
import TestSupport
@testable import Runner

@Suite("Repository facts")
struct RepositorySnapshotTests {
    @Test("owner/name comes from the origin remote in its usual forms", arguments: [
        ("git@github.com:acme/fraud-model.git", "acme/fraud-model"),
        ("https://github.com/acme/fraud-model", "acme/fraud-model"),
        ("https://token@github.example.com/acme/fraud-model.git", "acme/fraud-model"),
        ("ssh://git@github.com/acme/fraud-model.git", "acme/fraud-model"),
    ])
    func remoteNames(url: String, expected: String) {
        #expect(RepositorySnapshot.repositoryName(remote: url, fallbackOwner: "me", root: "/x/y").0 == expected)
    }

    @Test("without a remote, the owner is the git user and the name the folder")
    func fallback() {
        #expect(RepositorySnapshot.repositoryName(remote: nil, fallbackOwner: "Jane Doe", root: "/src/model").0 == "Jane-Doe/model")
    }

    @Test("a tag checkout is a tag ref; a dirty tree is reported; run numbers count up")
    func tagAndDirty() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.txt", "1")
        try repo.commitAll()
        try repo.git("tag", "-a", "v1.0.0", "-m", "release")
        try repo.git("checkout", "-q", "v1.0.0")
        let first = try RepositorySnapshot.read(workspace: repo.path)
        #expect(first.ref == "refs/tags/v1.0.0")
        #expect(first.refType == "tag")
        #expect(first.refName == "v1.0.0")
        #expect(first.dirty == false)
        try repo.write("a.txt", "2")
        let second = try RepositorySnapshot.read(workspace: repo.path)
        #expect(second.dirty == true)
        #expect(second.runNumber == first.runNumber + 1)
    }

    @Test("concurrent runs never get the same run number")
    func concurrentRunNumbers() throws {
        let repo = try TemporaryRepository()
        try repo.commitAll()
        let numbers = NumberBox()
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            if let snapshot = try? RepositorySnapshot.read(workspace: repo.path) { numbers.add(snapshot.runNumber) }
        }
        #expect(numbers.values.sorted() == Array(1...12))
    }
}

private final class NumberBox: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int] = []
    func add(_ n: Int) { lock.withLock { list.append(n) } }
    var values: [Int] { lock.withLock { list } }
}
