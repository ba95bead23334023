import Foundation
import Testing
import TestSupport

/// Remote actions from `--action-dir`: a git repository read at the ref, or a plain folder.
@Suite("Remote actions from --action-dir")
struct ActionDirectoryTests {
    static let composite = """
    name: Greeter
    inputs:
      who:
        default: you
    outputs:
      said:
        value: ${{ steps.say.outputs.said }}
    runs:
      using: composite
      steps:
        - id: say
          shell: bash
          run: |
            echo "VERSION says hello to ${{ inputs.who }}"
            echo "said=VERSION" >> "$GITHUB_OUTPUT"
    """

    @Test("owner/repo@ref runs the action as it is at ref; a plain folder as it is")
    func actionsFromDirectories() throws {
        // The action's own repository: v1 tagged, then v2 on main.
        let action = try TemporaryRepository()
        try action.write("action.yml", Self.composite.replacingOccurrences(of: "VERSION", with: "version-1"))
        try action.commitAll("v1")
        try action.git("tag", "v1")
        try action.write("action.yml", Self.composite.replacingOccurrences(of: "VERSION", with: "version-2"))
        try action.commitAll("v2")

        let actions = FileManager.default.temporaryDirectory.appendingPathComponent("mlgate-actions-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: actions) }
        try FileManager.default.createDirectory(atPath: actions + "/acme/plain/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: actions + "/acme/greeter", withDestinationPath: action.path)
        try Self.composite.replacingOccurrences(of: "VERSION", with: "plain-folder")
            .write(toFile: actions + "/acme/plain/sub/action.yml", atomically: true, encoding: .utf8)

        let repo = try TemporaryRepository()
        try repo.write(".github/workflows/ci.yml", """
        on: push
        jobs:
          remote:
            runs-on: ubuntu-latest
            steps:
              - id: tagged
                uses: acme/greeter@v1
                with:
                  who: ci
              - uses: acme/greeter@main
              - uses: acme/plain/sub@anything
              - run: echo "output=${{ steps.tagged.outputs.said }}"
        """)
        try repo.commitAll()

        let result = try MLGateExecutable.run(["run", "--action-dir", actions], in: repo.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("| version-1 says hello to ci"))
        #expect(result.stdout.contains("| version-2 says hello to you"))
        #expect(result.stdout.contains("| plain-folder says hello to you"))
        #expect(result.stdout.contains("| output=version-1"))

        // Without it, the job fails alone, naming the action once and what to pass.
        let without = try MLGateExecutable.run(["run"], in: repo.path)
        #expect(without.status == 1)
        #expect(without.stdout.contains("pass --action-dir DIR holding acme/greeter"), "\(without.stdout)")
    }
}
