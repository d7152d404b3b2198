import BallastTesting
import Foundation
import Testing

/// Docs/cli-reference.md is exactly what Scripts/cli-reference writes from the built
/// binary's help, so the reference never drifts from the commands.
@Suite struct CLIReferenceTests {
    /// The repository root: this file is Tests/EndToEndTests/CLIReferenceTests.swift.
    static var repositoryRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    @Test func theCommittedReferenceIsTheCommandsHelp() throws {
        let root = Self.repositoryRoot
        let scratch = TemporaryDirectory.make(prefix: "cli-reference")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let written = scratch + "/cli-reference.md"

        let result = try CommandRunner.run(root + "/Scripts/cli-reference", [try BallastBinary.path, written])
        try #require(result.succeeded, "Scripts/cli-reference failed: \(result)")

        let expected = try String(contentsOfFile: written, encoding: .utf8)
        let committed = try String(contentsOfFile: root + "/Docs/cli-reference.md", encoding: .utf8)
        #expect(committed == expected, """
            Docs/cli-reference.md differs from the commands' help. Write it again (as root, as CI \
            runs, since --data-dir's default is root's there) and commit it:
                swift build --product ballast && Scripts/cli-reference .build/debug/ballast Docs/cli-reference.md
            """)
    }
}
