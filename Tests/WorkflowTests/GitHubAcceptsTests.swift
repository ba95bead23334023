import Foundation
import Testing
import TestSupport
import Workflow

/// Workflows GitHub accepts are accepted here: no finding, so `run` is not blocked. GitHub's
/// workflow schema (`fixtures/schema/workflow-v1.0.json`, MIT) is the authority.
@Suite("What GitHub accepts")
struct GitHubAcceptsTests {
    func findings(_ text: String, file: String = ".github/workflows/w.yml") -> [Diagnostic] {
        let (workflow, diagnostics) = WorkflowDecoder.decodeLeniently(text, file: file)
        return diagnostics + (workflow.map { WorkflowLinter.lint($0) } ?? [])
    }

    /// Every event's settings, as the schema's `on-mapping-strict` lists them.
    static func schemaEventSettings() throws -> [(event: String, settings: [String])] {
        let data = try Data(contentsOf: URL(fileURLWithPath: ProjectPaths.fixtures + "/schema/workflow-v1.0.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = try #require(schema["definitions"] as? [String: Any])
        let events = try #require(((definitions["on-mapping-strict"] as? [String: Any])?["mapping"] as? [String: Any])?["properties"] as? [String: String])
        return events.keys.sorted().map { event in
            let definition = definitions[events[event]!] as? [String: Any] ?? [:]
            var settings: [String] = []
            for option in (definition["one-of"] as? [String] ?? []) + [events[event]!] {
                if let properties = ((definitions[option] as? [String: Any])?["mapping"] as? [String: Any])?["properties"] as? [String: Any] {
                    settings = properties.keys.sorted()
                }
            }
            return (event, settings)
        }
    }

    @Test("every setting of every event in GitHub's schema is accepted")
    func eventSettings() throws {
        let events = try Self.schemaEventSettings()
        #expect(events.count > 35)
        for (event, settings) in events where event != "schedule" && event != "workflow_call" && event != "workflow_dispatch" {
            let body = settings.isEmpty ? "" : settings.filter { !$0.hasSuffix("-ignore") }.map { "\n    \($0): [x]" }.joined()
            let text = "on:\n  \(event):\(body)\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
            #expect(findings(text).isEmpty, "\(event) with \(settings): \(findings(text))")
            for ignore in settings where ignore.hasSuffix("-ignore") {
                let text = "on:\n  \(event):\n    \(ignore): [x]\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
                #expect(findings(text).isEmpty, "\(event) with \(ignore): \(findings(text))")
            }
        }
    }

    @Test("real workflows that GitHub runs: Pages' environment URL, merge queues, image versions, shell names in any case, env from one expression",
          arguments: [
            "on: push\njobs:\n  deploy:\n    environment:\n      name: github-pages\n      url: ${{ steps.deployment.outputs.page_url }}\n    runs-on: ubuntu-latest\n    steps:\n      - id: deployment\n        run: echo page_url=x >> \"$GITHUB_OUTPUT\"\n",
            "on:\n  merge_group:\n    branches: [main]\n    types: [checks_requested]\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
            "on:\n  image_version:\n    names: [my-image]\n    versions: ['1.*']\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
            "on: push\njobs:\n  j:\n    runs-on: windows-latest\n    defaults:\n      run:\n        shell: PowerShell\n    steps:\n      - run: echo\n        shell: Bash\n      - run: Write-Host hi\n",
            "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    env: ${{ fromJSON(vars.JOB_ENV) }}\n    steps:\n      - run: echo\n        env: ${{ fromJSON(vars.STEP_ENV) }}\n",
            "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    env: { MY_SHELL: bash }\n    defaults:\n      run:\n        shell: ${{ env.MY_SHELL }}\n    steps:\n      - run: echo\n",
          ])
    func accepted(text: String) {
        #expect(findings(text).isEmpty, "\(findings(text))")
    }

    @Test("a workflow's defaults.run.shell takes no expression (a job's does)")
    func workflowShellExpression() {
        let text = "on: push\ndefaults:\n  run:\n    shell: ${{ env.MY_SHELL }}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
        #expect(findings(text).contains { $0.location.line == 4 && $0.message.contains("Unrecognized named-value: 'env'") }, "\(findings(text))")
    }

    @Test("an environment URL still may not read secrets, and its keys are checked")
    func environmentChecked() {
        let text = "on: push\njobs:\n  j:\n    environment:\n      name: prod\n      url: ${{ secrets.URL }}\n      urls: x\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
        let found = findings(text).map(\.description)
        #expect(found.contains { $0.contains("w.yml:6:16:") && $0.contains("secrets") }, "\(found)")
        #expect(found.contains { $0.contains("unknown key 'urls'") }, "\(found)")
    }

    @Test("an action's inputs may carry other keys (type, options) and a quoted required, as GitHub's runner reads them")
    func actionInputs() {
        let text = "name: a\ndescription: d\ninputs:\n  x:\n    description: d\n    type: string\n    required: 'false'\n    options: [a, b]\nruns:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n"
        let (action, diagnostics) = WorkflowDecoder.decodeActionLeniently(text, file: "action.yml")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(action?.inputs.first?.required == false)
    }
}
