import Foundation
@testable import SecurityScan
import Testing
import TestSupport
import Workflow

/// Workflow and dependency hygiene: zizmor's core audits from the typed workflow (the code
/// `mlgate lint` runs), cross-checked against PyPI's zizmor on shared fixtures; unpinned
/// Python requirements.
@Suite("Workflow and dependency audits")
struct WorkflowAuditTests {
    static let fixtures: [String: String] = [
        "injection.yml": """
            on: issues
            permissions: { contents: read }
            jobs:
              triage:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "${{ github.event.issue.title }}"
                  - env: { TITLE: "${{ github.event.issue.title }}" }
                    run: echo "$TITLE"
            """,
        "target.yml": """
            on: pull_request_target
            permissions: { contents: read }
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                    with:
                      ref: ${{ github.event.pull_request.head.sha }}
                  - run: make test
            """,
        "pinning.yml": """
            on: push
            permissions: { contents: read }
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - uses: docker/setup-buildx-action@v3
                  - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc
                  - uses: ./local-action
            """,
        "permissions.yml": """
            on: push
            jobs:
              release:
                runs-on: ubuntu-latest
                permissions: write-all
                steps:
                  - run: echo release
              test:
                runs-on: ubuntu-latest
                steps:
                  - run: echo test
            """,
        "insecure.yml": """
            on: push
            permissions: {}
            env:
              ACTIONS_ALLOW_UNSECURE_COMMANDS: true
            jobs:
              old:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "::set-env name=A::b"
            """,
        "secrets.yml": """
            on: push
            permissions: { contents: read }
            jobs:
              publish:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "${{ secrets.PYPI_TOKEN }}" | base64
                  - run: twine upload -p ${{ secrets.PYPI_TOKEN }} dist/*
                  - env: { TOKEN: "${{ secrets.PYPI_TOKEN }}" }
                    run: twine upload -p "$TOKEN" dist/*
            """,
        "clean.yml": """
            on: pull_request
            permissions: { contents: read }
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: make test
            """,
    ]

    func audits(_ name: String) -> [(rule: String, severity: String, line: Int)] {
        WorkflowFindings.audit(Self.fixtures[name]!, path: ".github/workflows/\(name)", commit: nil).map { ($0.rule, $0.severity.rawValue, $0.line ?? 0) }
    }

    @Test("each audit finds its weakness at its line, and the clean workflow has none")
    func audits() {
        #expect(audits("injection.yml").map { "\($0.rule)@\($0.line)" } == ["workflow/template-injection@7"])
        #expect(audits("target.yml").map(\.rule) == ["workflow/dangerous-triggers"])
        #expect(audits("pinning.yml").map { "\($0.rule)@\($0.line)" } == ["workflow/unpinned-uses@8"])
        let permissions = audits("permissions.yml")
        #expect(permissions.map { "\($0.rule):\($0.severity)@\($0.line)" } == ["workflow/excessive-permissions:high@5", "workflow/excessive-permissions:medium@8"])
        #expect(audits("insecure.yml").map(\.rule) == ["workflow/insecure-commands"])
        #expect(audits("secrets.yml").map { "\($0.rule):\($0.severity)@\($0.line)" } == ["workflow/secrets-in-run:high@7", "workflow/secrets-in-run:medium@8"])
        #expect(audits("clean.yml").isEmpty)
    }

    @Test("mlgate lint reports the high audits, and the medium ones with --audit")
    func lint() throws {
        func rules(_ name: String, audits: Bool) -> [String] {
            guard let workflow = WorkflowDecoder.decodeLeniently(Self.fixtures[name]!, file: name).0 else { return ["unparsed"] }
            return WorkflowLinter.lint(workflow, audits: audits).map(\.rule)
        }
        #expect(rules("injection.yml", audits: false) == ["expression"])
        #expect(rules("target.yml", audits: false) == ["dangerous-triggers"])
        #expect(rules("pinning.yml", audits: false).isEmpty)
        #expect(rules("pinning.yml", audits: true) == ["unpinned-uses"])
        #expect(rules("permissions.yml", audits: false) == ["excessive-permissions"])
        #expect(rules("permissions.yml", audits: true) == ["excessive-permissions", "excessive-permissions"])
        #expect(rules("secrets.yml", audits: false) == ["secrets-in-run"])
    }

    /// zizmor (pedantic, offline) on the same files. Where the issue defines an audit more
    /// narrowly than zizmor 1.x does — `unpinned-uses` of third-party actions only (zizmor
    /// also wants `actions/*` hash-pinned), `dangerous-triggers` only when the head is checked
    /// out (zizmor flags the trigger itself) — mlgate's findings are a subset of zizmor's.
    @Test("zizmor finds the same injections and insecure commands, and a superset of the narrower audits")
    func zizmorParity() throws {
        let venv = ProjectPaths.root + "/.build/peers-venv/bin"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-zizmor-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir + "/.github/workflows", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in Self.fixtures { try text.write(toFile: dir + "/.github/workflows/" + name, atomically: true, encoding: .utf8) }
        for name in Self.fixtures.keys.sorted() {
            let run = try ProcessRunner.run(venv + "/zizmor", ["--offline", "--persona", "pedantic", "--format", "json", ".github/workflows/" + name], in: dir)
            let peer = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(name): \(run.stderr)")
            func peerLines(_ ident: String, severity: String? = nil) -> Set<Int> {
                Set(peer.filter { finding in
                    finding["ident"] as? String == ident
                        && (severity == nil || ((finding["determinations"] as? [String: Any])?["severity"] as? String) == severity)
                }.compactMap { finding in
                    ((((finding["locations"] as? [[String: Any]])?.first?["concrete"] as? [String: Any])?["location"] as? [String: Any])?["start_point"] as? [String: Any])?["row"] as? Int
                }.map { $0 + 1 })
            }
            let ours = audits(name)
            func mine(_ rule: String, severity: String? = nil) -> [Int] { ours.filter { $0.rule == "workflow/" + rule && (severity == nil || $0.severity == severity) }.map(\.line) }
            // zizmor counts ${{ secrets.* }} in a script as template injection; mlgate calls it secrets-in-run.
            #expect(Set(mine("template-injection") + mine("secrets-in-run")) == peerLines("template-injection"), "\(name)")
            #expect(mine("insecure-commands").isEmpty == peerLines("insecure-commands").isEmpty, "\(name)")
            #expect(mine("excessive-permissions", severity: "high").count == peerLines("excessive-permissions", severity: "High").count, "\(name)")
            #expect(Set(mine("unpinned-uses")).isSubset(of: peerLines("unpinned-uses")), "\(name): \(mine("unpinned-uses")) vs \(peerLines("unpinned-uses"))")
            if !mine("dangerous-triggers").isEmpty { #expect(!peerLines("dangerous-triggers").isEmpty, "\(name)") }
        }
    }

    @Test("requirements and pyproject dependencies not pinned to one version, and pins without hashes when hashes are required")
    func dependencies() {
        let requirements = """
            # training
            numpy==2.1.3
            pandas>=2.0
            scikit-learn~=1.5  # compatible release is a range
            torch==2.5.*
            requests
            -r base.txt
            --index-url https://pypi.org/simple
            mlflow[extras]==2.17.0 \\
                --hash=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            xgboost==2.1.1; python_version >= "3.10"
            mypkg @ https://example.com/mypkg-1.0.tar.gz
            """
        let found = DependencyAudit.audit(requirements, path: "requirements.txt", commit: nil, requireHashes: false)
        #expect(found.map { "\($0.message.split(separator: " ").first!)@\($0.line!)" } == ["pandas@3", "scikit-learn@4", "torch@5", "requests@6"])
        let hashed = DependencyAudit.audit(requirements, path: "requirements.txt", commit: nil, requireHashes: true).filter { $0.rule == "dependency/no-hash" }
        // pip's --require-hashes wants a hash for a direct URL reference too.
        #expect(hashed.map { String($0.message.split(separator: " ").first!) } == ["numpy", "xgboost", "mypkg"])

        let pyproject = """
            [project]
            name = "fraud-model"
            dependencies = [
                "numpy==2.1.3",
                "pandas>=2.0",
            ]

            [project.optional-dependencies]
            serve = ["fastapi", "uvicorn==0.32.0"]

            [tool.poetry.dependencies]
            python = "^3.10"
            lightgbm = "^4.5"
            shap = "0.46.0"
            """
        let py = DependencyAudit.audit(pyproject, path: "pyproject.toml", commit: nil, requireHashes: false)
        #expect(py.map { "\($0.message.split(separator: " ").first!)@\($0.line!)" } == ["pandas@5", "fastapi@9", "lightgbm@13"])
        #expect(DependencyAudit.isDependencyFile("ml/requirements-dev.txt") && !DependencyAudit.isDependencyFile("docs/requirements.md"))
    }
}
