import Foundation
import Testing
import TestSupport

/// What only matters at run time never refuses a whole repository: a job that needs what this
/// host cannot provide fails alone (its dependents are skipped), a runner this host is not is
/// skipped with a warning, and `--list`, `--graph`, `--dry-run` and `-j` for another job work.
@Suite("Jobs this host cannot run")
struct HostBlockerTests {
    static let workflow = """
        on: push
        jobs:
          build:
            strategy:
              matrix:
                os: [ubuntu-latest, windows-latest, macos-14]
            runs-on: ${{ matrix.os }}
            steps:
              - run: echo "built on ${{ matrix.os }}"
          gpu:
            runs-on: [self-hosted, gpu]
            steps:
              - run: echo "gpu runner job"
          custom:
            runs-on: my-runner
            steps:
              - run: echo "custom runner job"
          container-job:
            runs-on: ubuntu-latest
            container: node:20
            services:
              redis: { image: redis }
            steps:
              - run: echo "MUST NOT RUN container"
          remote:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/setup-python@v5
              - uses: actions/setup-python@v5
              - uses: docker://alpine:3
          cross:
            uses: octo/shared/.github/workflows/build.yml@v1
          after-container:
            needs: container-job
            runs-on: ubuntu-latest
            steps:
              - run: echo "MUST NOT RUN after"
        """

    func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", Self.workflow)
        try repo.write(".github/workflows/other.yml", "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo other workflow ran\n")
        try repo.commitAll()
        return repo
    }

    @Test("each job fails or is skipped alone, with one message saying what to do; the rest runs; exit 1")
    func run() throws {
        let repo = try repository()
        let result = try MLGateExecutable.run(["run"], in: repo.path)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("| built on ubuntu-latest"))
        #expect(out.contains("| gpu runner job"), "a self-hosted runner's own labels run here")
        #expect(out.contains("| other workflow ran"))
        #expect(!out.contains("MUST NOT RUN"))
        #expect(out.contains("job 'container-job' cannot run on this host: it uses 'container:' and 'services:', which need a container engine"))
        #expect(out.contains("'actions/setup-python@v5' (steps 1, 2: cannot fetch actions/setup-python from \(MLGateExecutable.unreachableServer)"), "each missing action once, with its steps: \(out)")
        #expect(out.contains("'docker://alpine:3' (step 3: docker:// actions need a container engine"))
        #expect(out.contains("pass --action-dir DIR holding actions/setup-python"))
        #expect(out.contains("calls the reusable workflow 'octo/shared/.github/workflows/build.yml@v1', which cannot be had: cannot fetch octo/shared"))
        #expect(out.contains("build (windows-latest) is skipped: runs-on 'windows-latest' needs a Windows runner, and this host runs Linux; run it here anyway with -P windows-latest=host"))
        #expect(out.contains("build (macos-14) is skipped"))
        #expect(out.contains("custom is skipped: runs-on 'my-runner' is not a label this host is known to have; run it here with -P my-runner=host"))
        for (job, status) in [("after-container", "skipped"), ("container-job", "failure"), ("remote", "failure"), ("cross", "failure"),
                              ("gpu", "success"), ("build (ubuntu-latest)", "success"), ("build (windows-latest)", "skipped")] {
            #expect(out.range(of: "\n\(NSRegularExpression.escapedPattern(for: job)) +\(status) ", options: .regularExpression) != nil, "\(job) should be \(status)\n\(out)")
        }
    }

    @Test("-P maps labels: windows-latest=host runs that leg here, ubuntu-latest=skip skips it")
    func platformMapping() throws {
        let repo = try repository()
        let mapped = try MLGateExecutable.run(["run", "-j", "build", "-P", "windows-latest=host", "-P", "ubuntu-latest=skip", "-P", "macos-14=host"], in: repo.path)
        #expect(mapped.status == 0, "\(mapped.stdout)\(mapped.stderr)")
        #expect(mapped.stdout.contains("| built on windows-latest"))
        #expect(mapped.stdout.contains("| built on macos-14"))
        #expect(!mapped.stdout.contains("| built on ubuntu-latest"))
        let custom = try MLGateExecutable.run(["run", "-j", "custom", "-P", "my-runner=host"], in: repo.path)
        #expect(custom.stdout.contains("| custom runner job"))
        let bad = try MLGateExecutable.run(["run", "-P", "ubuntu-latest"], in: repo.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("-P ubuntu-latest: write LABEL=host"))
    }

    @Test("--list, --graph, --dry-run and -j for an unrelated job work on such a repository", arguments: [["--list"], ["--graph"], ["--dry-run"], ["-j", "gpu"]])
    func inspect(arguments: [String]) throws {
        let repo = try repository()
        let result = try MLGateExecutable.run(["run"] + arguments, in: repo.path)
        #expect(result.status == 0, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("MUST NOT RUN container"))
    }

    @Test("a workflow file GitHub would refuse fails alone: listed as a problem, the others listed and run")
    func invalidFileAlone() throws {
        let repo = try repository()
        try repo.write(".github/workflows/broken.yml", "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nosuch.value }}\n")
        try repo.commitAll()
        let list = try MLGateExecutable.run(["run", "--list"], in: repo.path)
        #expect(list.status == 2)
        #expect(list.stdout.contains(".github/workflows/other.yml"))
        #expect(list.stderr.contains(".github/workflows/broken.yml:6:"), "\(list.stderr)")
        let only = try MLGateExecutable.run(["run", "-j", "lint"], in: repo.path)
        #expect(only.status == 0, "-j for a job of a valid workflow is not held back: \(only.stderr)")
        #expect(only.stdout.contains("| other workflow ran"))
    }
}
