import Testing
import TestSupport
@testable import Promotion

@Suite("Registered versions in semver order")
struct VersionOrderTests {
    @Test("the fast order of plain versions is semver's order; with a pre-release or build anywhere, the full comparison decides")
    func order() {
        var random = SeededRandom(state: 5)
        func next(_ bound: Int) -> Int { random.below(bound) }
        for round in 0..<300 {
            var seen = Set<SemanticVersion>()
            var registrations: [(SemanticVersion, Int)] = []
            for position in 0..<(1 + next(60)) {
                let prerelease = round % 3 == 0 && next(4) == 0 ? ["rc", String(next(3))] : []
                let version = SemanticVersion(major: next(3), minor: next(12), patch: next(12), prerelease: prerelease)
                if seen.insert(version).inserted { registrations.append((version, position)) }
            }
            let fast = RegistryState.order(registrations)
            let full = registrations.sorted { $0.0 < $1.0 }
            #expect(fast.map(\.0) == full.map(\.0), "round \(round)")
            #expect(fast.map(\.1) == full.map(\.1), "round \(round)")
            #expect(zip(fast, fast.dropFirst()).allSatisfy { $0.0 < $1.0 })
        }
    }
}
