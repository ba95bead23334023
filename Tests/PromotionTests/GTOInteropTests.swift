import Foundation
import GitState
import Promotion
import Testing
import TestSupport

/// mlgate and GTO (PyPI `gto`, installed by `make test` into `.build/peers-venv`) read each
/// other's registry.
@Suite("GTO interop", .serialized)
struct GTOInteropTests {
    static let gto = ProjectPaths.root + "/.build/peers-venv/bin/gto"

    func gto(_ arguments: [String], in repo: TemporaryRepository) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: Self.gto) else {
            throw TestSupportError("\(Self.gto) is missing; 'make test' installs GTO (pip install gto) there")
        }
        let result = try ProcessRunner.run(Self.gto, arguments, in: repo.path)
        guard result.status == 0 else {
            throw TestSupportError("gto \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)\(result.stdout)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }


    @Test("GTO reads what mlgate writes, including going back to an earlier version")
    func gtoReadsMLGate() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(3)
        let register1 = try MLGateExecutable.run(["register", "churn", shas[0], "--version", "v1.0.0"], in: repo.path)
        #expect(register1.status == 0, "\(register1.stderr)")
        #expect(try MLGateExecutable.run(["register", "churn", shas[1], "--bump", "minor"], in: repo.path).status == 0)
        #expect(try MLGateExecutable.run(["register", "models:segment", shas[2]], in: repo.path).status == 0)
        let registry = Registry(repository: try Repository(discovering: repo.path))
        try registry.assign("churn", stage: "staging", commit: shas[0], message: "to staging")
        try registry.assign("churn", stage: "production", commit: shas[1], message: "to production")

        #expect(try gto(["show", "churn@latest", "--ref"], in: repo) == "churn@v1.1.0")
        #expect(try gto(["show", "churn#staging", "--ref"], in: repo) == "churn@v1.0.0")
        #expect(try gto(["show", "churn#production", "--ref"], in: repo) == "churn@v1.1.0")
        #expect(try gto(["show", "models:segment@latest", "--ref"], in: repo) == "models=segment@v0.0.1")

        // Back to v1.0.0 the way mlgate records it: a newer assignment, and the replaced
        // version unassigned, so GTO (which shows the greatest active version) agrees.
        try registry.assign("churn", stage: "production", commit: shas[0], message: "rollback")
        try registry.unassign("churn", stage: "production", commit: shas[1], message: "rollback")
        #expect(try gto(["show", "churn#production", "--ref"], in: repo) == "churn@v1.0.0")
        #expect(try registry.state().model("churn")?.current(in: "production")?.version == "v1.0.0")
    }

    @Test("mlgate reads what GTO writes, and continues its counters")
    func mlgateReadsGTO() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(3)
        _ = try gto(["register", "fraud", shas[0], "--version", "v0.1.0"], in: repo)
        _ = try gto(["register", "fraud", shas[1], "--bump-minor"], in: repo)
        _ = try gto(["assign", "fraud", "--version", "v0.1.0", "--stage", "prod"], in: repo)
        _ = try gto(["assign", "fraud", "--version", "v0.2.0", "--stage", "staging"], in: repo)
        _ = try gto(["deprecate", "fraud", "v0.1.0"], in: repo)

        let status = try MLGateExecutable.run(["status", "fraud", "--json"], in: repo.path)
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let model = try #require((json["models"] as? [[String: Any]])?.first)
        #expect((model["latest"] as? [String: Any])?["version"] as? String == "v0.2.0")
        let stages = (model["stages"] as? [[String: Any]] ?? []).map { "\($0["stage"]!)=\($0["version"]!)" }
        // v0.1.0 is deregistered: like GTO, mlgate no longer counts it in prod.
        #expect(Set(stages) == ["staging=v0.2.0"])
        #expect(try gto(["show", "fraud#prod", "--ref"], in: repo) == "")
        #expect(try MLGateExecutable.run(["show", "fraud#prod"], in: repo.path).stderr.contains("no version of fraud is in prod"))

        // v0.1.0 was deregistered by GTO ("deprecate NAME VERSION"): no longer the latest candidate.
        let registry = Registry(repository: try Repository(discovering: repo.path))
        #expect(try registry.state().model("fraud")?.version("v0.1.0")?.deregistered != nil)
        let next = try registry.assign("fraud", stage: "prod", commit: shas[1], message: "promote")
        #expect(next.description == "fraud#prod#3")
        #expect(try gto(["show", "fraud#prod", "--ref"], in: repo) == "fraud@v0.2.0")
    }

    @Test("show NAME and history of every model give GTO's answers, as data, whichever tool wrote")
    func showAndHistoryAsData() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(4)
        // Written by both tools.
        _ = try gto(["register", "fraud", shas[0], "--version", "v0.1.0"], in: repo)
        #expect(try MLGateExecutable.run(["register", "fraud", shas[1], "--bump", "minor"], in: repo.path).status == 0)
        _ = try gto(["register", "churn", shas[2]], in: repo)
        _ = try gto(["assign", "fraud", "--version", "v0.1.0", "--stage", "prod"], in: repo)
        let registry = Registry(repository: try Repository(discovering: repo.path))
        try registry.assign("fraud", stage: "staging", commit: shas[1], message: "to staging")
        _ = try gto(["assign", "churn", "--version", "v0.0.1", "--stage", "staging"], in: repo)

        // show NAME: the versions newest first, each with its commit, stages and tag.
        let peerShow = try #require(try JSONSerialization.jsonObject(with: Data(gto(["show", "fraud", "--json"], in: repo).utf8)) as? [[String: Any]])
        let ours = try MLGateExecutable.run(["show", "fraud", "--json"], in: repo.path)
        #expect(ours.status == 0, "\(ours.stderr)")
        let mine = try #require((try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [String: Any])?["versions"] as? [[String: Any]])
        let peerRows = peerShow.map { v in "\(v["version"]!) \(v["commit_hexsha"]!) \(((v["stages"] as? [[String: Any]]) ?? []).compactMap { $0["stage"] as? String }.sorted()) \(v["ref"]!)" }
        let myRows = mine.map { v in "\(v["version"]!) \(v["commit"]!) \((v["stages"] as? [String] ?? []).sorted()) \(v["ref"]!)" }
        #expect(myRows == peerRows)

        // history with no name: every model's events, the same set, newest first in both.
        let peerHistory = try #require(try JSONSerialization.jsonObject(with: Data(gto(["history", "--json"], in: repo).utf8)) as? [[String: Any]])
        let names = ["registration": "registered", "assignment": "assigned", "unassignment": "unassigned",
                     "deregistration": "deregistered", "deprecation": "deprecated"]
        let peerEvents = Set(peerHistory.compactMap { e -> String? in
            guard let kind = names[e["event"] as? String ?? ""] else { return nil }
            return "\(e["artifact"]!) \(kind) \(e["version"] ?? "") \((e["stage"] as? String) ?? "") \(e["commit"]!)"
        })
        let history = try MLGateExecutable.run(["history", "--json"], in: repo.path)
        #expect(history.status == 0, "\(history.stderr)")
        let myHistory = try #require((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["events"] as? [[String: Any]])
        let myEvents = Set(myHistory.map { e in "\(e["model"]!) \(e["event"]!) \(e["version"]!) \((e["stage"] as? String) ?? "") \(e["commit"]!)" })
        #expect(myEvents == peerEvents, "mlgate \(myEvents.subtracting(peerEvents)), gto \(peerEvents.subtracting(myEvents))")
        let times = myHistory.compactMap { $0["time"] as? String }
        #expect(times == times.sorted(by: >), "newest first")
        let reversed = try MLGateExecutable.run(["history", "--json", "--reverse"], in: repo.path)
        let oldestFirst = ((try JSONSerialization.jsonObject(with: Data(reversed.stdout.utf8)) as? [String: Any])?["events"] as? [[String: Any]] ?? []).compactMap { $0["time"] as? String }
        #expect(oldestFirst == oldestFirst.sorted() && oldestFirst.count == times.count)

        // show NAME#STAGE --json describes the assignment (its tag), as GTO's stage record does;
        // --ref still prints the version's tag, as gto's --ref does.
        let peerStage = try #require(try JSONSerialization.jsonObject(with: Data(gto(["show", "churn#staging", "--json"], in: repo).utf8)) as? [[String: Any]])
        let peerAssignment = ((peerStage.first?["stages"] as? [[String: Any]])?.first?["assignments"] as? [[String: Any]])?.first?["tag"] as? String
        let stage = try MLGateExecutable.run(["show", "churn#staging", "--json"], in: repo.path)
        let mineStage = try #require(try JSONSerialization.jsonObject(with: Data(stage.stdout.utf8)) as? [String: Any])
        #expect(mineStage["tag"] as? String == peerAssignment && peerAssignment == "churn#staging#1", "\(mineStage), gto \(String(describing: peerAssignment))")
        #expect(mineStage["versionTag"] as? String == "churn@v0.0.1")
        #expect(try MLGateExecutable.run(["show", "churn#staging", "--ref"], in: repo.path).stdout == (try gto(["show", "churn#staging", "--ref"], in: repo)) + "\n")
        // An empty stage names where the versions are.
        let empty = try MLGateExecutable.run(["show", "churn#prod"], in: repo.path)
        #expect(empty.stderr.contains("no version of churn is in prod; churn's versions are in staging (v0.0.1)"), "\(empty.stderr)")
    }

    @Test("lightweight tags in the registry's grammar are ignored, as GTO ignores them")
    func lightweightTags() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(3)
        _ = try gto(["register", "fraud", shas[0], "--version", "v0.1.0"], in: repo)
        _ = try gto(["assign", "fraud", "--version", "v0.1.0", "--stage", "prod"], in: repo)
        // Someone's plain `git tag`s: a version, an assignment, a deregistration.
        _ = try repo.git("tag", "fraud@v9.0.0", shas[2])
        _ = try repo.git("tag", "fraud#prod#7", shas[1])
        _ = try repo.git("tag", "fraud@v0.1.0!", shas[0])
        let status = try MLGateExecutable.run(["status", "fraud", "--json"], in: repo.path)
        let model = try #require(((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["models"] as? [[String: Any]])?.first)
        #expect((model["latest"] as? [String: Any])?["version"] as? String == (try gto(["show", "fraud@latest", "--ref"], in: repo)).replacingOccurrences(of: "fraud@", with: ""))
        #expect((model["stages"] as? [[String: Any]])?.first?["version"] as? String == "v0.1.0")
        #expect(try gto(["show", "fraud#prod", "--ref"], in: repo) == "fraud@v0.1.0")
        // Packed, as a clone leaves them: the same.
        _ = try repo.git("pack-refs", "--all")
        let packed = try MLGateExecutable.run(["show", "fraud#prod", "--ref"], in: repo.path)
        #expect(packed.stdout == "fraud@v0.1.0\n")
        #expect(try MLGateExecutable.run(["show", "fraud@latest", "--ref"], in: repo.path).stdout == "fraud@v0.1.0\n")
    }

    @Test("a deprecated model is hidden from status and show unless --all, as gto show hides it without --deprecated")
    func deprecatedModels() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(2)
        _ = try gto(["register", "churn", shas[0]], in: repo)
        #expect(try MLGateExecutable.run(["register", "fraud", shas[1]], in: repo.path).status == 0)
        // GTO orders events by their tags' seconds: a deprecation in the same second as the
        // registration is not seen as later. A second apart, as people deprecate.
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try MLGateExecutable.run(["deprecate", "churn"], in: repo.path).status == 0)
        let peerNames = Set(((try JSONSerialization.jsonObject(with: Data(gto(["show", "--json"], in: repo).utf8)) as? [String: Any]) ?? [:]).keys)
        let peerAll = Set(((try JSONSerialization.jsonObject(with: Data(gto(["show", "--json", "--deprecated"], in: repo).utf8)) as? [String: Any]) ?? [:]).keys)
        func names(_ arguments: [String]) throws -> Set<String> {
            let run = try MLGateExecutable.run(arguments, in: repo.path)
            return Set(((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["models"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        }
        #expect(try names(["status", "--json"]) == peerNames && peerNames == ["fraud"])
        #expect(try names(["status", "--json", "--all"]) == peerAll && peerAll == ["churn", "fraud"])
        let hidden = try MLGateExecutable.run(["show", "churn@latest", "--ref"], in: repo.path)
        #expect(hidden.status == 1 && hidden.stdout.isEmpty && hidden.stderr.contains("churn is deprecated"))
        #expect(try gto(["show", "churn@latest", "--ref"], in: repo) == "")
        #expect(try MLGateExecutable.run(["show", "churn@latest", "--ref", "--all"], in: repo.path).stdout == "churn@v0.0.1\n")

        // The other way: gto deprecates, mlgate hides.
        Thread.sleep(forTimeInterval: 1.1)
        _ = try gto(["deprecate", "fraud"], in: repo)
        #expect(try names(["status", "--json"]).isEmpty)
        #expect(Set(((try JSONSerialization.jsonObject(with: Data(gto(["show", "--json"], in: repo).utf8)) as? [String: Any]) ?? [:]).keys).isEmpty)
    }

    @Test("assign and unassign are GTO's plain stage changes, as gto reads them; a stage mlgate.yml names needs --force, which the tag records")
    func plainAssignment() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(3)
        _ = try gto(["register", "churn", shas[0], "--version", "v1.0.0"], in: repo)
        let assigned = try MLGateExecutable.run(["assign", "churn", "dev", "--version", "v1.0.0", "--json"], in: repo.path)
        #expect(assigned.status == 0, "\(assigned.stderr)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(assigned.stdout.utf8)) as? [String: Any])
        #expect(written["tag"] as? String == "churn#dev#1" && written["version"] as? String == "v1.0.0" && written["action"] as? String == "assign")
        #expect(try gto(["show", "churn#dev", "--ref"], in: repo) == "churn@v1.0.0")
        // A commit with no version is registered first, as gto assign does.
        let fresh = try MLGateExecutable.run(["assign", "churn", "qa", shas[2]], in: repo.path)
        #expect(fresh.stdout.contains("Registered churn v1.0.1") && fresh.stdout.contains("Assigned churn v1.0.1 to qa"), "\(fresh.stdout)\(fresh.stderr)")
        #expect(try gto(["show", "churn#qa", "--ref"], in: repo) == "churn@v1.0.1")
        #expect(try MLGateExecutable.run(["unassign", "churn", "dev"], in: repo.path).status == 0)
        #expect(try gto(["show", "churn#dev", "--ref"], in: repo) == "")
        // The other way: gto's stage deprecation empties the stage for mlgate too.
        _ = try gto(["deprecate", "churn", "v1.0.1", "qa"], in: repo)
        #expect(try MLGateExecutable.run(["show", "churn#qa"], in: repo.path).stderr.contains("no version of churn is in qa"))

        // With a policy naming the stage, the gate's path is the way; --force is recorded.
        try repo.write("mlgate.yml", "stages:\n  staging: { checks: [] }\n  production: { from: staging }\n")
        _ = try repo.commitAll("policy")
        let refused = try MLGateExecutable.run(["assign", "churn", "production", "--version", "v1.0.0"], in: repo.path)
        #expect(refused.status == 2 && refused.stderr.contains("use mlgate promote"), "\(refused.stderr)")
        #expect(try repo.git("tag", "-l", "churn#production*").isEmpty, "nothing was written")
        let forced = try MLGateExecutable.run(["assign", "churn", "production", "--version", "v1.0.0", "--force"], in: repo.path)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try repo.git("tag", "-l", "--format=%(contents)", "churn#production#*").contains("--force: the requirements mlgate.yml sets for production were not checked"))
        #expect(try gto(["show", "churn#production", "--ref"], in: repo) == "churn@v1.0.0")
        // A stage the policy does not name is still a plain assignment.
        #expect(try MLGateExecutable.run(["assign", "churn", "dev", "--version", "v1.0.0"], in: repo.path).status == 0)
    }

    @Test("artifacts.yaml annotations: a model annotated but not registered appears as gto shows it, with the same annotation")
    func annotations() throws {
        let (repo, shas) = try TemporaryRepository.withTrainingCommits(2)
        _ = try gto(["register", "fraud", shas[0]], in: repo)
        try repo.write("artifacts.yaml", """
            segment:
              type: model
              path: models/segment.pkl
              description: Customer segments
              labels: [clustering, weekly]
            fraud:
              type: model
              path: models/fraud.onnx
              virtual: false
            """)
        let head = try repo.commitAll("annotate")
        #expect(try MLGateExecutable.run(["register", "fraud", head], in: repo.path).status == 0)

        // Every name gto shows, mlgate's status lists (the annotated one marked so).
        let peerNames = Set(((try JSONSerialization.jsonObject(with: Data(gto(["show", "--json"], in: repo).utf8)) as? [String: Any]) ?? [:]).keys)
        let status = try MLGateExecutable.run(["status", "--json"], in: repo.path)
        let models = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["models"] as? [[String: Any]] ?? []
        #expect(Set(models.compactMap { $0["name"] as? String }) == peerNames && peerNames == ["fraud", "segment"])
        #expect(models.first { $0["name"] as? String == "segment" }?["annotatedOnly"] as? Bool == true)

        // show NAME: the discovered version (the commit), and the annotation as gto enriches it.
        func peerAnnotation(_ version: [String: Any]) -> [String: Any]? {
            ((version["enrichments"] as? [[String: Any]])?.first?["enrichments"] as? [[String: Any]])?.first { $0["source"] as? String == "gto" }?["artifact"] as? [String: Any]
        }
        for name in ["segment", "fraud"] {
            let peer = try #require(try JSONSerialization.jsonObject(with: Data(gto(["show", name, "--json"], in: repo).utf8)) as? [[String: Any]])
            let mine = try #require((try JSONSerialization.jsonObject(with: Data(MLGateExecutable.run(["show", name, "--json"], in: repo.path).stdout.utf8)) as? [String: Any])?["versions"] as? [[String: Any]])
            #expect(mine.map { $0["version"] as? String } == peer.map { $0["version"] as? String }, "\(name)")
            for (a, b) in zip(mine, peer) {
                let ours = a["annotation"] as? [String: Any], theirs = peerAnnotation(b)
                #expect((ours == nil) == (theirs == nil), "\(name) \(a["version"] ?? "")")
                if let ours, let theirs {
                    for key in ["type", "path", "description", "virtual"] {
                        #expect("\(ours[key] ?? "nil")" == "\(theirs[key] ?? "nil")", "\(name).\(key)")
                    }
                    #expect((ours["labels"] as? [String] ?? []) == (theirs["labels"] as? [String] ?? []))
                }
            }
        }

        // DVC's dvc.yaml `artifacts:` (desc, not description) is read too, and mlgate.yml's
        // artifact path is shown beside.
        try repo.write("dvc.yaml", "artifacts:\n  churn:\n    type: model\n    path: models/churn.pkl\n    desc: Churn classifier\n")
        try repo.write("mlgate.yml", "models:\n  churn: { artifact: models/churn.pkl }\n")
        _ = try repo.commitAll("dvc")
        let churn = try #require(try JSONSerialization.jsonObject(with: Data(MLGateExecutable.run(["show", "churn", "--json"], in: repo.path).stdout.utf8)) as? [String: Any])
        let annotation = ((churn["versions"] as? [[String: Any]])?.first?["annotation"] as? [String: Any])
        #expect(annotation?["description"] as? String == "Churn classifier" && annotation?["path"] as? String == "models/churn.pkl")
        #expect(churn["artifact"] as? String == "models/churn.pkl")
        #expect(try MLGateExecutable.run(["show", "churn"], in: repo.path).stdout.contains("artifact: models/churn.pkl (mlgate.yml)"))
    }
}
