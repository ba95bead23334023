import Checks
import Foundation
import Testing
import TestSupport

/// `mlgate check data`: a contract's rules over CSV and JSON Lines (gzip too), each failing
/// rule with its count, percentage and sample rows; corrupt input located; the contract's
/// own mistakes at file:line:col.
@Suite("Data contracts")
struct DataCheckTests {
    static let commit = String(repeating: "d", count: 40)

    func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-data-\(UUID().uuidString.prefix(8))").path
        for (name, text) in files {
            let url = URL(fileURLWithPath: path + "/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return path
    }

    func check(_ contract: String, _ files: [String: String], data: [String], configure: (inout DataCheck.Options) -> Void = { _ in }) throws -> CheckResult {
        let dir = try folder(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = DataCheck.Options(name: "data", contract: try DataContract.decode(contract, file: "contract.yml"))
        options.files = data
        options.now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
        configure(&options)
        return try DataCheck(options).run(in: dir, commit: Self.commit)
    }

    static let contract = """
        columns:
          - { name: id, type: int, nullable: false, unique: true }
          - { name: amount, type: float, min: 0, max: 1000, mostly: 0.75 }
          - { name: country, in: [US, DE, FR], severity: warn }
          - { name: email, regex: '^[^@ ]+@[^@ ]+$', max_length: 20 }
          - { name: created, type: timestamp }
        ordered: true
        rows: { min: 3, max: 100 }
        unique: [[country, email]]
        freshness: { column: created, max_age: 30d }
        """

    @Test("every rule is counted over every row; failures name their rows and lines; mostly and severity decide")
    func rules() throws {
        let csv = """
            id,amount,country,email,created
            1,10.5,US,a@x.io,2026-11-01T10:00:00Z
            2,-4,DE,"b@x.io",2026-11-02T10:00:00+01:00
            2,99,XX,not an email,2026-11-03
            4,,FR,"a very long address@example.com",2026-11-04T00:00:00
            5,12,US,a@x.io,yesterday

            """
        let result = try check(Self.contract, ["d.csv": csv], data: ["d.csv"])
        func rule(_ name: String) -> CheckResult.Rule? { result.rules.first { $0.rule == name } }
        #expect(result.measurements["rows"] == 5)
        #expect(rule("id: unique")?.verdict == .fail)
        #expect(rule("id: unique")?.message.contains("1 of 5 (20%) do not; e.g. d.csv:4 (row 3): id = '2' again") == true, "\(rule("id: unique")?.message ?? "")")
        // 1 of 4 non-null amounts is below 0: 75% hold, as mostly allows.
        #expect(rule("amount: range")?.verdict == .pass, "\(String(describing: rule("amount: range")))")
        #expect(rule("country: in")?.verdict == .warn)
        #expect(rule("email: regex")?.verdict == .fail)
        #expect(rule("email: length")?.message.contains("d.csv:5 (row 4): email has 31 characters") == true)
        #expect(rule("created: type")?.message.contains("created = 'yesterday' is not timestamp") == true)
        #expect(rule("country+email: unique")?.message.contains("d.csv:6 (row 5): (US, a@x.io) again") == true)
        #expect(rule("rows")?.verdict == .pass)
        #expect(rule("freshness")?.verdict == .pass, "\(String(describing: rule("freshness")))")
        #expect(result.status == .fail)
        #expect(result.findings.contains { $0.rule == "id.unique" && $0.location == "d.csv:4" })
    }

    @Test("a file of many batches: a duplicate far from its first, bad values and a ragged row are found at their rows, lines and bytes; the digest is the file's")
    func manyBatches() throws {
        // About 9 MB: three batches, checked in parallel while the next is read.
        var lines = ["id,score,label,when"]
        var offsetOfRagged = 0
        var size = lines[0].utf8.count + 1
        for i in 1...200_000 {
            let id = i == 180_000 ? 7 : i  // a duplicate of row 7, two batches later
            let score = i == 150_001 ? "high" : String(format: "%.6f", Double(i % 1000) / 1000)
            var line = "\(id),\(score),\(i % 3 == 0 ? "cat" : "dog")_\(String(repeating: "x", count: 12)),2026-11-\(String(format: "%02d", 1 + i % 28))T10:00:00Z"
            if i == 120_000 { line += ",extra"; offsetOfRagged = size }
            size += line.utf8.count + 1
            lines.append(line)
        }
        let csv = lines.joined(separator: "\n") + "\n"
        let contract = "columns:\n  - { name: id, type: int, unique: true }\n  - { name: score, type: float, max: 1 }\n  - { name: label, regex: '^(cat|dog)_x+$' }\n  - { name: when, type: timestamp }\n"
        let dir = try folder(["big.csv": csv])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = DataCheck.Options(name: "data", contract: try DataContract.decode(contract, file: "contract.yml"))
        options.files = ["big.csv"]
        let result = try DataCheck(options).run(in: dir, commit: Self.commit)
        func rule(_ name: String) -> CheckResult.Rule? { result.rules.first { $0.rule == name } }
        #expect(result.measurements["rows"] == 199_999)
        #expect(rule("id: unique")?.message.contains("1 of 199999 (0.0005%) do not; e.g. big.csv:180001 (row 180000): id = '7' again") == true, "\(rule("id: unique")?.message ?? "")")
        #expect(rule("score: type")?.message.contains("big.csv:150002 (row 150001): score = 'high' is not float") == true, "\(rule("score: type")?.message ?? "")")
        #expect(rule("(file): rows-readable")?.message.contains("big.csv:120001 (row 120000, byte \(offsetOfRagged)): 5 fields, but the header has 4") == true,
                "\(rule("(file): rows-readable")?.message ?? "")")
        #expect(rule("label: regex")?.verdict == .pass)
        #expect(rule("when: type")?.verdict == .pass)
        #expect(result.inputs.first?.sha256 == CheckResult.sha256(of: Data(csv.utf8)))
    }

    @Test("RFC 4180: quoted fields with commas, doubled quotes and line ends; CRLF; another delimiter; the header's order and extra columns")
    func csvShapes() throws {
        let contract = "columns:\n  - { name: id, type: int }\n  - { name: note, max_length: 40 }\nordered: true\nstrict: true\n"
        let csv = "id;note\r\n1;\"semi; colon\"\r\n2;\"two\nlines\"\r\n3;\"a \"\"quote\"\"\"\r\n"
        let semicolon = try check(contract, ["d.csv": csv], data: ["d.csv"]) { $0.delimiter = 0x3B }
        #expect(semicolon.status == .pass, "\(semicolon.rules.filter { $0.verdict != .pass })")
        #expect(semicolon.measurements["rows"] == 3)
        let reordered = try check(contract, ["d.csv": "note,id,extra\nx,1,y\n"], data: ["d.csv"])
        let columns = try #require(reordered.rules.first { $0.rule == "(file): columns" })
        #expect(columns.verdict == .fail)
        #expect(columns.message.contains("not in the contract: extra") && columns.message.contains("out of order"), "\(columns.message)")
    }

    @Test("corrupt rows are counted with their row and byte offset; an unterminated quote, a broken gzip or a missing file is refused")
    func corrupt() throws {
        let contract = "columns:\n  - { name: id, type: int }\n  - { name: name }\n"
        var bytes = Array("id,name\n1,ok\n2\n3,".utf8) + [0xFF, 0xFE] + Array("\n4,fine\n".utf8)
        let dir = try folder(["README": "corrupt inputs\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/d.csv"))
        var options = DataCheck.Options(name: "data", contract: try DataContract.decode(contract, file: "c.yml"))
        options.files = ["d.csv"]
        let result = try DataCheck(options).run(in: dir, commit: Self.commit)
        let readable = try #require(result.rules.first { $0.rule == "(file): rows-readable" })
        #expect(readable.verdict == .fail)
        #expect(readable.message.contains("d.csv:3 (row 2, byte 13): 1 fields, but the header has 2"), "\(readable.message)")
        #expect(readable.message.contains("d.csv:4 (row 3, byte 15): invalid UTF-8"), "\(readable.message)")
        #expect(result.measurements["rows"] == 2)

        bytes = Array("id,name\n1,\"never closed\n2,x\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/q.csv"))
        options.files = ["q.csv"]
        #expect { try DataCheck(options).run(in: dir, commit: Self.commit) } throws: { "\($0)".contains("q.csv: row 2 (byte 10): a quoted field is not closed") }
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02]).write(to: URL(fileURLWithPath: dir + "/g.csv.gz"))
        options.files = ["g.csv.gz"]
        #expect { try DataCheck(options).run(in: dir, commit: Self.commit) } throws: { "\($0)".contains("g.csv.gz") && "\($0)".contains("gzip") }
        options.files = ["missing.csv"]
        #expect { try DataCheck(options).run(in: dir, commit: Self.commit) } throws: { "\($0)".contains("missing.csv") }
    }

    @Test("JSON Lines and gzip-compressed files are read as they are")
    func jsonLinesAndGzip() throws {
        let contract = "columns:\n  - { name: id, type: int, unique: true }\n  - { name: ok, type: bool, nullable: false }\n  - { name: score, type: float, max: 1 }\n"
        let lines = "{\"id\": 1, \"ok\": true, \"score\": 0.5}\n{\"id\": 2, \"ok\": false, \"score\": 2}\nnot json\n\n{\"id\": 2, \"score\": null}\n"
        let dir = try folder(["d.jsonl": lines, "d.csv": "id,ok,score\n1,true,0.1\n2,false,0.2\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try ProcessRunner.run("/usr/bin/env", ["gzip", "-k", "d.jsonl", "d.csv"], in: dir)
        var options = DataCheck.Options(name: "data", contract: try DataContract.decode(contract, file: "c.yml"))
        for files in [["d.jsonl"], ["d.jsonl.gz"]] {
            options.files = files
            let result = try DataCheck(options).run(in: dir, commit: Self.commit)
            func verdict(_ name: String) -> CheckResult.Status? { result.rules.first { $0.rule == name }?.verdict }
            #expect(result.measurements["rows"] == 3, "\(files)")
            #expect(verdict("(file): rows-readable") == .fail)
            #expect(verdict("id: unique") == .fail)
            #expect(verdict("ok: not-null") == .fail)
            #expect(verdict("score: range") == .fail)
            #expect(verdict("ok: type") == .pass)
        }
        options.files = ["d.csv.gz"]
        #expect(try DataCheck(options).run(in: dir, commit: Self.commit).status == .pass)
    }

    @Test("a contract's own mistakes are reported at file:line:col")
    func badContract() {
        let text = "columns:\n  - { name: id, type: integer }\n  - { name: x, min: 5, max: 1 }\n  - { name: y, regex: '(' }\nunique: [[nope]]\nfreshness: { column: id, max_age: soon }\n"
        #expect { try DataContract.decode(text, file: "c.yml") } throws: { error in
            let text = "\(error)"
            return text.contains("c.yml:2:23: unknown type 'integer'") && text.contains("c.yml:3:5: column 'x' has min 5.0 above max 1.0")
                && text.contains("c.yml:4:23: '(' is not a valid POSIX extended regular expression")
                && text.contains("c.yml:5:10: unique key names 'nope'") && text.contains("max_age is a duration")
        }
    }
}
