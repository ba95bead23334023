import Foundation
import Testing
import TestSupport

/// `mlgate lint` against sets calibrated with actionlint (see fixtures/lint/README.md).
@Suite("Lint calibration")
struct LintCalibrationTests {
    static let root = ProjectPaths.fixtures + "/lint"

    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? [])
            .filter { $0.hasSuffix(".yml") }.sorted()
    }

    @Test("workflows actionlint accepts get no finding", arguments: files("accepted"))
    func accepted(_ name: String) throws {
        let result = try MLGateExecutable.run(["lint", Self.root + "/accepted/" + name], in: Self.root)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("broken workflows get exactly the findings marked on their lines", arguments: files("broken"))
    func broken(_ name: String) throws {
        let path = Self.root + "/broken/" + name
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var expected = Set<String>()
        for (index, line) in lines.enumerated() {
            if let marker = line.range(of: "# lint: ") {
                expected.insert("\(index + 1) \(line[marker.upperBound...].trimmingCharacters(in: .whitespaces))")
            }
        }
        let result = try MLGateExecutable.run(["lint", "--format", "json", path], in: Self.root)
        #expect(result.status == 1)
        let findings = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        let actual = Set(findings.map { "\($0["line"] as? Int ?? 0) \($0["rule"] as? String ?? "")" })
        #expect(actual == expected, "unexpected: \(actual.subtracting(expected).sorted()); missing: \(expected.subtracting(actual).sorted())")
    }
}
