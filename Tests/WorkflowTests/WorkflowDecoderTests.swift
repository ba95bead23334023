import Expressions
import Testing
@testable import Workflow

@Suite("Workflow decoding")
struct WorkflowDecoderTests {
    func decode(_ yaml: String) throws -> Workflow {
        try WorkflowDecoder.decode(yaml, file: "w.yml")
    }

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try WorkflowDecoder.decode(yaml, file: "w.yml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test("'on' is read as the string key it is written as (YAML 1.2), in all three forms")
    func onForms() throws {
        let job = "jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n"
        #expect(try decode("on: push\n" + job).triggers.map(\.event) == ["push"])
        #expect(try decode("on: [push, pull_request]\n" + job).triggers.map(\.event) == ["push", "pull_request"])
        let mapped = try decode("on:\n  push:\n    branches: [main]\n  workflow_dispatch:\n    inputs:\n      level:\n        type: choice\n        options: [a, b]\n        default: b\n" + job)
        #expect(mapped.trigger("push")?.filters["branches"] == ["main"])
        #expect(mapped.trigger("workflow_dispatch")?.inputs.first?.defaultValue == "b")
        #expect(mapped.trigger("workflow_dispatch")?.inputs.first?.kind == .choice)
    }

    @Test("'true:' does not stand for 'on:'")
    func trueIsNotOn() {
        let p = problems("true: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n")
        #expect(p.contains { $0.contains("unknown key 'true'") })
        #expect(p.contains { $0.contains("no 'on:'") })
    }

    @Test("needs accepts a string or a list; strategy values keep their YAML types")
    func eagerDecoding() throws {
        let w = try decode("""
        on: push
        jobs:
          a:
            runs-on: x
            steps: [{run: echo}]
          b:
            needs: a
            runs-on: x
            strategy:
              matrix:
                n: [1, 2.5, "3", true, null]
            steps: [{run: echo}]
          c:
            needs: [a, b]
            runs-on: x
            steps: [{run: echo}]
        """)
        #expect(w.job("b")?.needs == ["a"])
        #expect(w.job("c")?.needs == ["a", "b"])
        guard case .object(let matrix)? = w.job("b")?.strategy?.matrix?.literalValue,
              case .array(let values)? = matrix["n"] else {
            Issue.record("matrix not decoded")
            return
        }
        #expect(values.items.map(\.kindName) == ["Number", "Number", "String", "Boolean", "Null"])
    }

    @Test("every problem is reported with its line and column")
    func positions() {
        let p = problems("""
        on: push
        jobs:
          a:
            runs-on: x
            timeout-minutes: soon
            steps:
              - run: echo ${{ github.sha ==  }}
                shell: fish
        """)
        #expect(p.contains("w.yml:5:22: 'timeout-minutes' must be a non-negative number or an expression"))
        #expect(p.contains { $0.hasPrefix("w.yml:7:34: invalid expression: Unexpected end of expression") })
        #expect(p.contains("w.yml:8:16: unknown shell 'fish'; use bash, sh, python, pwsh, or a command with '{0}' for the script path"))
    }

    @Test("an if without a status function implies success(); one with keeps its own")
    func implicitSuccess() throws {
        let w = try decode("""
        on: push
        jobs:
          a:
            runs-on: x
            steps:
              - if: github.ref == 'refs/heads/main'
                run: echo
              - if: ${{ always() && true }}
                run: echo
        """)
        #expect(w.jobs[0].steps[0].condition?.callsStatusFunction == false)
        #expect(w.jobs[0].steps[1].condition?.callsStatusFunction == true)
    }

    @Test("contexts are checked per key as GitHub's schema allows them")
    func contextAvailability() {
        let p = problems("""
        on: push
        jobs:
          a:
            runs-on: x
            if: steps.x.outputs.y
            env:
              A: ${{ env.B }}
            steps:
              - run: echo ${{ secrets.OK }} ${{ steps.s.outputs.ok }}
        """)
        #expect(p.contains { $0.hasPrefix("w.yml:5:9: invalid expression: Unrecognized named-value: 'steps'") })
        #expect(p.contains { $0.hasPrefix("w.yml:7:14: invalid expression: Unrecognized named-value: 'env'") })
        #expect(p.count == 2)
    }

    @Test("the jobs context exists only in workflow_call outputs")
    func jobsContext() {
        let p = problems("""
        on:
          workflow_call:
            outputs:
              ok:
                value: ${{ jobs.a.outputs.x }}
              missing:
                description: no value
        jobs:
          a:
            runs-on: x
            steps:
              - run: echo ${{ jobs.a.result }}
        """)
        #expect(p.contains { $0.hasPrefix("w.yml:7:9: output 'missing' needs 'value:'") })
        #expect(p.contains { $0.hasPrefix("w.yml:12:23: invalid expression: Unrecognized named-value: 'jobs'") })
        #expect(p.count == 2)
    }

    @Test("duplicate keys are an error, not silently merged")
    func duplicateKeys() {
        let p = problems("on: push\non: pull_request\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n")
        #expect(p.contains { $0.contains("duplicate key 'on'") })
    }
}
