import Foundation
import Testing
import TestSupport
@testable import Workflow
import YAMLSource

/// actionlint's rule families read off the YAML tree: each case is a workflow written for
/// this test and the exact findings (line:column rule) it must get — no more, no fewer.
@Suite("Lint rules (actionlint's families)")
struct LintRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        let expected: [String]
        var labels: [String] = []
        /// Other files of the repository (local actions), by path.
        var files: [String: String] = [:]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "deprecated-commands", yaml: """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "::set-output name=x::1"
                  - run: |
                      echo "::save-state name=y::2"
                      echo "::add-path::/opt/bin"
                  - run: echo "name=x" >> "$GITHUB_OUTPUT"
            """, expected: ["6:14 deprecated-commands", "7:14 deprecated-commands", "7:14 deprecated-commands"]),
        Case(name: "if-cond", yaml: """
            on: push
            jobs:
              build:
                if: ${{ github.ref == 'refs/heads/main' }} && ${{ github.event_name == 'push' }}
                runs-on: ubuntu-latest
                steps:
                  - if: "${{ success() }} "
                    run: echo always, for the space
                  - if: ${{ 'always' }}
                    run: echo constant
                  - if: "github.event_name == 'push' ${{ true }}"
                    run: echo text
                  - if: github.ref == 'refs/heads/main'
                    run: echo fine too
            """, expected: ["4:9 if-cond", "7:13 if-cond", "9:13 if-cond", "11:13 if-cond"]),
        Case(name: "runner-label", yaml: """
            on: push
            jobs:
              a:
                runs-on: macos-10.15
                steps: [{ run: echo }]
              b:
                runs-on: [ubuntu-latest, windows-latest]
                steps: [{ run: echo }]
              c:
                runs-on: ubuntu-lates
                steps: [{ run: echo }]
              d:
                runs-on: [self-hosted, linux, gpu-a100]
                steps: [{ run: echo }]
              e:
                runs-on: ${{ matrix.os }}
                strategy: { matrix: { os: [ubuntu-latest] } }
                steps: [{ run: echo }]
              f:
                runs-on: { group: ml, labels: [self-hosted, trainer-7] }
                steps: [{ run: echo }]
            """, expected: ["4:14 runner-label", "7:30 runner-label", "10:14 runner-label"], labels: ["gpu-*", "trainer-?"]),
        Case(name: "permissions", yaml: """
            on: push
            permissions:
              contents: read
              id-token: read
              pull_request: write
            jobs:
              build:
                runs-on: ubuntu-latest
                permissions:
                  models: write
                  attestations: write
                steps: [{ run: echo }]
            """, expected: ["4:13 permissions", "5:3 permissions", "10:15 permissions"]),
        Case(name: "events", yaml: """
            on:
              schedule:
                - cron: '*/2 * * * *'
                - cron: '0,3 9 * * 1'
                - cron: '*/5 * * * *'
                - cron: '0 */1 * * *'
              workflow_call:
                inputs:
                  size: { type: integer, default: 3 }
                  flag: { type: boolean, default: yes }
                  rate: { type: number, default: fast }
                  name: { type: string, default: x }
            jobs:
              build:
                runs-on: ubuntu-latest
                steps: [{ run: echo }]
            """, expected: ["3:13 events", "4:13 events", "10:39 events", "11:38 events"]),
        Case(name: "matrix", yaml: """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    python: ['3.10', '3.11', '3.10']
                    os: [ubuntu-latest, windows-latest]
                    exclude:
                      - { python: '3.9', os: windows-latest }
                      - { pyton: '3.11' }
                      - { python: '3.11', os: ubuntu-latest }
                steps: [{ run: echo }]
            """, expected: ["7:34 matrix", "10:23 matrix", "11:15 matrix"]),
        Case(name: "syntax-check: keys GitHub reads without regard to case", yaml: """
            on: push
            env:
              TOKEN: a
              token: b
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-python@v5
                    with:
                      python-version: '3.12'
                      Python-Version: '3.11'
              Build:
                runs-on: ubuntu-latest
                steps: [{ run: echo }]
            """, expected: ["4:3 syntax-check", "12:11 syntax-check", "13:3 syntax-check"]),
        Case(name: "expression: properties the workflow never defines", yaml: """
            on:
              push:
              workflow_dispatch:
                inputs:
                  size: { type: string }
            jobs:
              a:
                runs-on: ubuntu-latest
                outputs:
                  out1: ${{ steps.s1.outputs.x }}
                steps:
                  - id: s1
                    run: echo "${{ matrix.os }}"
                  - run: echo "${{ inputs.sise }}"
                  - if: steps.s2.outcome == 'success'
                    run: echo
                  - id: s2
                    run: echo ${{ steps.s2.outcome }}
              b:
                needs: a
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    python: ['3.10']
                    include:
                      - extra: yes
                steps:
                  - run: echo ${{ matrix.pkg-name }}
                  - run: echo ${{ matrix.extra }} ${{ matrix.python }} ${{ needs.a.outputs.out2 }}
                  - run: echo ${{ needs.c.result }}
                  - run: echo ${{ needs.a.outputs.out1 }} ${{ inputs.size }} ${{ steps.nothing-yet }}
            """, expected: ["13:24 expression", "14:24 expression", "15:13 expression", "18:23 expression", "28:23 expression",
                            "29:64 expression", "30:23 expression", "31:70 expression"]),
        Case(name: "expression: inputs with no event that sets them", yaml: """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "${{ inputs.size }}"
            """, expected: ["6:24 expression"]),
        Case(name: "expression: objects printed in text, fromJSON of a literal that is not JSON", yaml: """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: echo ${{ github.event }} ${{ github }} ${{ github.event.action }}
                  - run: echo ${{ fromJSON('[1, 2') }} ${{ fromJSON('[1]') }}
                  - run: echo ${{ toJSON(github.event) }}
            """, expected: ["6:19 expression", "6:39 expression", "7:32 expression"]),
        Case(name: "expression types: comparisons, function arguments, format placeholders, properties, values text cannot show", yaml: """
            on:
              workflow_dispatch:
                inputs:
                  count: { type: number }
            jobs:
              a:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    config: [{ size: 1 }]
                    n: [1, 2]
                steps:
                  - if: ${{ github.event == 'push' }}
                    run: echo compare an object
                  - if: matrix.config == 'big'
                    run: echo compare a row that is an object
                  - if: ${{ startsWith(github, 'x') }}
                    run: echo an object where text is expected
                  - if: ${{ inputs.count > 2 && matrix.n < 3 }}
                    run: echo fine
                  - run: echo ${{ format('{0} {1}', github.sha) }}
                  - run: echo ${{ github.evnt }}
                  - run: echo ${{ matrix.config }} ${{ runner.os }}
                  - run: echo ${{ format('{0}', matrix.config.size) }} ${{ join(github.event.commits.*.message, ', ') }}
                  - run: echo ${{ github.ref.name }}
            """, expected: ["13:17 expression", "15:13 expression", "17:28 expression", "21:23 expression", "22:23 expression", "23:19 expression",
                            "24:69 expression", "25:23 expression"]),
        Case(name: "expression types: an environment URL reads the job's steps; a step's property other than outputs, outcome, conclusion", yaml: """
            on: push
            jobs:
              deploy:
                environment:
                  name: pages
                  url: ${{ steps.deployment.outputs.page_url }}
                runs-on: ubuntu-latest
                steps:
                  - id: deployment
                    run: echo
                  - run: echo ${{ steps.deployment.page_url }} ${{ steps.deployment.outcome }}
            """, expected: ["11:23 expression"]),
        Case(name: "expression types: a reusable workflow's declared secrets; configuration variable names", yaml: """
            on:
              workflow_call:
                secrets:
                  token:
                    required: true
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: test -n "$T"
                    env:
                      T: ${{ secrets.tokn }}
                      U: ${{ secrets.TOKEN }}
                      V: ${{ secrets.GITHUB_TOKEN }}
                      W: ${{ vars.GITHUB_SHA }}
                      X: ${{ vars.my-var }}
                      Y: ${{ vars.MODEL_NAME }}
            """, expected: ["12:18 expression", "15:18 expression", "16:18 expression"]),
        Case(name: "expression types: the type each key takes", yaml: """
            on: push
            jobs:
              a:
                runs-on: ${{ 1 }}
                timeout-minutes: ${{ 'ten' }}
                continue-on-error: ${{ 'yes' }}
                strategy:
                  fail-fast: ${{ 'no' }}
                  max-parallel: ${{ true }}
                  matrix:
                    os: ${{ 'linux' }}
                services: ${{ 'redis' }}
                container:
                  image: node
                  credentials: ${{ 'user' }}
                steps:
                  - run: echo
                    timeout-minutes: ${{ github }}
                    continue-on-error: ${{ matrix.os == 'linux' }}
              b:
                runs-on: ubuntu-latest
                timeout-minutes: ${{ fromJSON('10') }}
                continue-on-error: ${{ github.ref == 'refs/heads/main' }}
                steps:
                  - run: echo
            """, expected: ["4:14 expression", "5:22 expression", "6:24 expression", "8:18 expression", "9:21 expression", "11:13 expression",
                            "12:15 expression", "15:20 expression", "18:26 expression"]),
        Case(name: "syntax-check: anchors no alias uses", yaml: """
            on: push
            env: &shared
              LEVEL: &level 1
            jobs:
              a:
                runs-on: ubuntu-latest
                env: *shared
                steps:
                  - &step
                    run: echo
            """, expected: ["3:10 syntax-check", "9:9 syntax-check"]),
        Case(name: "if-cond: constant expressions; action: popular actions' outputs and outdated majors; runner-label: matrix values", yaml: """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - if: true
                    run: echo always
                  - if: ${{ 1 == 1 }}
                    run: echo always
                  - if: contains('abc', 'b')
                    run: echo always
                  - if: hashFiles('x') != ''
                    run: echo depends on files
                  - if: always()
                    run: echo status
                  - uses: actions/checkout@v4
                    id: co
                  - uses: actions/setup-python@v5
                    id: py
                  - run: echo ${{ steps.co.outputs.commit }} ${{ steps.py.outputs.python-version }}
                  - run: echo ${{ steps.co.outputs.sha }}
                  - uses: actions/stale@v6
                    with: { days-before-stale: 30 }
                  - uses: actions/cache@v4
                    with:
                      path: ~/.cache/pip
                      key: pip
                      save-always: true
              b:
                strategy:
                  matrix:
                    os: [ubuntu-latest, ubuntu-20.04]
                    include:
                      - os: macos-10.15
                runs-on: ${{ matrix.os }}
                steps:
                  - run: echo
            """, expected: ["6:13 if-cond", "8:13 if-cond", "10:13 if-cond", "21:23 expression", "22:15 action", "28:11 action",
                            "32:29 runner-label", "34:17 runner-label"]),
        Case(name: "id, credentials, env-var, action format; events: time zones", yaml: """
            on:
              schedule:
                - cron: '0 0 * * *'
                  timezone: 'Mars/Olympus'
                - cron: '0 6 * * *'
                  timezone: 'Europe/Berlin'
            jobs:
              1bad-id:
                runs-on: ubuntu-latest
                container:
                  image: node
                  credentials:
                    username: me
                    password: hunter2
                services:
                  redis:
                    image: redis
                    credentials:
                      username: me
                      password: ${{ secrets.REDIS_PASSWORD }}
                env:
                  'BAD NAME': x
                  A=B: y
                  GOOD_NAME: z
                steps:
                  - uses: actions/checkout
                  - uses: owner/repo@
                  - uses: docker://alpine:3
                  - id: "bad id"
                    run: echo
                  - run: echo
                    env:
                      FOO BAR: 1
            """, expected: ["4:17 events", "8:3 id", "14:19 credentials", "22:7 env-var", "23:7 env-var", "26:15 action", "27:15 action",
                            "29:13 id", "33:11 env-var"]),
        Case(name: "events: activity types, choice inputs; syntax-check: empty sections", yaml: """
            on:
              pull_request:
                types: [openned, opened]
              issues:
                types: opened
              workflow_dispatch:
                inputs:
                  level:
                    type: choice
                    options: [a, b]
                    default: c
                  empty:
                    type: choice
              push:
                branches: []
            env: {}
            jobs:
              a:
                runs-on: ubuntu-latest
                permissions: {}
                steps:
                  - uses: actions/checkout@v4
                    with: {}
            """, expected: ["3:13 events", "11:18 events", "12:7 events", "15:15 syntax-check", "16:6 syntax-check", "23:15 syntax-check"]),
        Case(name: "action: docker, codecov and release actions' inputs, outputs, deprecated inputs and outdated majors", yaml: """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/setup-buildx-action@v3
                    with:
                      install: true
                  - uses: docker/login-action@v2
                  - uses: docker/build-push-action@v6
                    id: build
                    with:
                      context: .
                      tag: model:latest
                  - run: echo ${{ steps.build.outputs.digest }} ${{ steps.build.outputs.sha }}
                  - uses: codecov/codecov-action@v5
                    with:
                      files: coverage.xml
                      token: ${{ secrets.CODECOV_TOKEN }}
                  - uses: softprops/action-gh-release@v2
                    with: { files: dist/*, tag_name: v1 }
            """, expected: ["8:11 action", "9:15 action", "14:11 action", "15:57 expression"]),
        Case(name: "workflow-call: inputs, secrets and outputs of a reusable workflow in the repository", yaml: """
            on: push
            jobs:
              a:
                uses: ./.github/workflows/called.yml
                with:
                  flga: true
                secrets:
                  tokn: x
              b:
                needs: a
                runs-on: ubuntu-latest
                steps:
                  - run: echo ${{ needs.a.outputs.result }} ${{ needs.a.outputs.reslt }}
              c:
                uses: ./.github/workflows/nothere.yml
              d:
                uses: ./.github/workflows/called.yml
                with: { size: '1' }
                secrets: inherit
            """, expected: ["4:11 workflow-call", "4:11 workflow-call", "6:7 workflow-call", "8:7 workflow-call", "13:53 expression",
                            "15:11 workflow-call"],
             files: [".github/workflows/called.yml": """
                on:
                  workflow_call:
                    inputs:
                      size: { type: string, required: true }
                      flag: { type: boolean, required: false }
                    secrets:
                      token: { required: true }
                    outputs:
                      result:
                        value: ${{ jobs.x.outputs.r }}
                jobs:
                  x:
                    runs-on: ubuntu-latest
                    outputs:
                      r: ${{ steps.s.outputs.r }}
                    steps:
                      - id: s
                        run: echo
                """]),
        Case(name: "syntax-check: an empty schedule, containers and services without an image", yaml: """
            on:
              push:
              schedule:
            jobs:
              a:
                runs-on: ubuntu-latest
                container:
                  options: --cpus 1
                services:
                  db:
                    ports: [5432]
                  cache:
                    image: redis
                steps:
                  - run: echo
              b:
                runs-on: ubuntu-latest
                container: python:3.12
                steps:
                  - run: echo
            """, expected: ["3:12 syntax-check", "7:5 syntax-check", "10:7 syntax-check"]),
        Case(name: "action: local and popular actions' inputs, outputs and runtimes", yaml: """
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - id: p
                    uses: ./.github/actions/prep
                    with:
                      cache: 'no'
                      pyton: '3.12'
                      old: x
                  - run: echo ${{ steps.p.outputs.dir }} ${{ steps.p.outputs.dirs }}
                  - uses: actions/checkout@v2
                  - uses: actions/setup-python@v5
                    with:
                      python-versio: '3.12'
                  - uses: actions/cache@v4
                    with: { path: x }
                  - uses: actions/upload-artifact@v4
                    with: { path: dist, Retention-Days: 3 }
            """, expected: ["7:15 action", "7:15 action", "10:11 action", "11:11 action", "12:50 expression", "13:15 action", "16:11 action",
                            "17:15 action"],
             files: [".github/actions/prep/action.yml": """
                name: Prepare
                inputs:
                  python: { description: version, required: true }
                  cache: { description: cache, required: false, default: 'yes' }
                  old: { description: old, deprecationMessage: use cache }
                outputs:
                  dir: { description: d, value: x }
                runs:
                  using: composite
                  steps:
                    - run: echo
                      shell: bash
                """]),
    ]

    @Test("each family reports exactly the findings marked, at their line and column", arguments: cases)
    func family(_ c: Case) throws {
        // As mlgate lint reads a workflow: the decoder's findings of these families, then the tree's.
        let (workflow, decoded, tree) = WorkflowDecoder.decodeWithTree(c.yaml, file: "w.yml")
        let root = try #require(tree)
        let families: Set<String> = ["deprecated-commands", "if-cond", "runner-label", "permissions", "events", "matrix", "expression", "id", "credentials",
                                     "env-var"]
        let found = decoded.filter { families.contains($0.rule) } + (workflow.map { WorkflowLinter.lint($0, source: c.yaml) } ?? [])
            + WorkflowTreeLint.check(root, source: c.yaml, configuration: .init(selfHostedLabels: c.labels), read: c.files.isEmpty ? nil : { c.files[$0] })
        let actual = found.map { "\($0.location.line):\($0.location.column) \($0.rule)" }.sorted()
        #expect(actual == c.expected.sorted(), "\(found.map(\.description).joined(separator: "\n"))")
    }

    static let actionlint = ProjectPaths.root + "/.build/peers-venv/bin/actionlint"

    @Test("actionlint finds the same problems at the same line and column under the same rule names", arguments: cases)
    func sameAsActionlint(_ c: Case) throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.actionlint), "actionlint is missing: make test installs it into .build/peers-venv")
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/w.yml", c.yaml + "\n")
        for (path, text) in c.files { try repo.write(path, text + "\n") }
        if !c.labels.isEmpty {
            try repo.write(".github/actionlint.yaml", "self-hosted-runner:\n  labels:\n" + c.labels.map { "    - '\($0)'\n" }.joined())
        }
        let run = try ProcessRunner.run(Self.actionlint, ["-format", "{{json .}}", ".github/workflows/w.yml"], in: repo.path)
        let reported = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]] ?? []
        let families: Set<String> = ["deprecated-commands", "if-cond", "runner-label", "permissions", "events", "matrix", "action", "workflow-call",
                                     "id", "credentials", "env-var"]
        let theirs = reported.compactMap { finding -> String? in
            guard let kind = finding["kind"] as? String, let line = finding["line"] as? Int, let column = finding["column"] as? Int else { return nil }
            let message = finding["message"] as? String ?? ""
            guard families.contains(kind) || kind == "expression"
                    || (kind == "syntax-check" && ["case insensitive", "is missing in", "\"schedule\" section", "is defined but not used", "should not be empty"]
                        .contains(where: message.contains))
                    else { return nil }
            return "\(line):\(column) \(kind)"
        }.sorted()
        #expect(theirs == c.expected.sorted(), "actionlint: \(run.stdout)")
    }

    @Test("the shortest gap of a cron schedule, in minutes")
    func cronGaps() {
        #expect(WorkflowTreeLint.shortestGap("*/2 * * * *") == 2)
        #expect(WorkflowTreeLint.shortestGap("0,3 9 * * 1") == 3)
        #expect(WorkflowTreeLint.shortestGap("*/5 * * * *") == 5)
        #expect(WorkflowTreeLint.shortestGap("58 * * * *") == 60)
        #expect(WorkflowTreeLint.shortestGap("58,1 * * * *") == 3)   // 58 → 1 of the next hour
        #expect(WorkflowTreeLint.shortestGap("58,1 9 * * *") == 57)  // one hour only: no wrap
        #expect(WorkflowTreeLint.shortestGap("0-4 * * * *") == 1)
        #expect(WorkflowTreeLint.shortestGap("bad") == nil)
    }

    @Test("mlgate lint reads self-hosted labels from .github/actionlint.yaml, as actionlint does")
    func actionlintConfiguration() throws {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  train:\n    runs-on: [self-hosted, gpu-a100]\n    steps: [{ run: echo }]\n")
        let before = try MLGateExecutable.run(["lint", "-C", repo.path], in: repo.path)
        #expect(before.status == 1 && before.stdout.contains(".github/workflows/ci.yml:4:28: runner label \"gpu-a100\" is unknown"), "\(before.stdout)")
        try repo.write(".github/actionlint.yaml", "self-hosted-runner:\n  labels:\n    - gpu-*\n")
        let after = try MLGateExecutable.run(["lint", "-C", repo.path], in: repo.path)
        #expect(after.status == 0, "\(after.stdout)")
    }
}
