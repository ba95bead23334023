import Foundation
import Testing
import TestSupport

/// The ready-made workflows in `workflows/`, run on the example project in `fixtures/`.
@Suite("Shipped workflows")
struct ShippedWorkflowTests {
    func exampleRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.copy(contentsOf: ProjectPaths.fixtures + "/example")
        try repo.write(".github/workflows/model-ci.yml",
                       String(contentsOfFile: ProjectPaths.root + "/workflows/model-ci.yml", encoding: .utf8))
        try repo.commitAll("example project")
        return repo
    }

    @Test("model-ci passes the example model on push and reports its metrics")
    func modelCIPasses() throws {
        let repo = try exampleRepository()
        let result = try MLGateExecutable.run(["run", "--json"], in: repo.path)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let events = RunEvents(result.stdout)
        #expect(events.jobResults == ["unit-tests": "success", "validate-data (train)": "success",
                                      "validate-data (holdout)": "success", "evaluate": "success", "gate": "success"])
        #expect(events.jobOutputs["evaluate"] == ["accuracy": "0.8667", "recall": "0.3636"])
        #expect(events.logs["gate"]?.contains("gate passed at accuracy 0.8667") == true)
    }

    @Test("model-ci's gate fails when the dispatched bar is above the model's accuracy")
    func modelCIGateHolds() throws {
        let repo = try exampleRepository()
        let result = try MLGateExecutable.run(["run", "--json", "--event", "workflow_dispatch", "--input", "min-accuracy=0.9"], in: repo.path)
        #expect(result.status == 1)
        #expect(RunEvents(result.stdout).jobResults["gate"] == "failure")
    }

    @Test("model-ci catches a corrupt data row with an annotation naming file and line")
    func modelCICorruptRow() throws {
        let repo = try exampleRepository()
        var csv = try String(contentsOfFile: repo.path + "/data/train.csv", encoding: .utf8)
        csv += "999,12.5,not-an-hour,0,1\n"
        try repo.write("data/train.csv", csv)
        try repo.commitAll("corrupt row")
        let result = try MLGateExecutable.run(["run"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error: data/train.csv:122: field 3 is not a number: not-an-hour"), "\(result.stdout)")
    }
}
