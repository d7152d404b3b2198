import BallastStorage
import Foundation
import Testing

@Suite("Subprocess: the command runner Filesystem uses")
struct FilesystemSubprocessTests {
    @Test("output and exit status are captured; arguments reach the program untouched")
    func capturesOutput() async throws {
        let result = try await Subprocess("/bin/echo", ["$HOME; rm -rf /", "*"]).run()
        #expect(result == SubprocessResult(status: 0, standardOutput: "$HOME; rm -rf / *\n", standardError: ""))

        let failed = try await Subprocess("/bin/ls", ["/nonexistent/ballast"]).run()
        #expect(failed.status == 2)
        #expect(failed.standardError.contains("No such file or directory"))
    }

    @Test("check() throws with the command's stderr when it fails")
    func checkThrows() async {
        let error = await #expect(throws: SubprocessError.self) {
            try await Subprocess("/bin/ls", ["/nonexistent/ballast"]).check()
        }
        #expect(error?.kind == .exited(status: 2))
        #expect(error?.output.contains("No such file or directory") == true)
    }

    @Test("programs are found in the sbin directories; a missing one is .notFound")
    func lookup() async throws {
        #expect(try await Subprocess("true", []).run().succeeded)
        let error = await #expect(throws: SubprocessError.self) { try await Subprocess("ballast-no-such-tool", []).run() }
        #expect(error?.kind == .notFound)
    }

    @Test("a command past its timeout is killed with its children")
    func timeout() async {
        let started = ContinuousClock.now
        let error = await #expect(throws: SubprocessError.self) {
            // The shell's child sleep holds the pipes open: the process group must die too.
            try await Subprocess("/bin/sh", ["-c", "sleep 30 & sleep 30"], timeout: .milliseconds(300)).run()
        }
        #expect(error?.kind == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a cancelled task kills its command")
    func cancellation() async {
        let started = ContinuousClock.now
        let task = Task { try await Subprocess("/bin/sleep", ["30"]).run() }
        try? await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        guard case .failure(let error as SubprocessError) = result else {
            Issue.record("expected SubprocessError, got \(result)")
            return
        }
        #expect(error.kind == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("stdin is /dev/null, the environment is extended, messages are untranslated")
    func environment() async throws {
        let result = try await Subprocess("/bin/sh", ["-c", "cat; echo \"$BALLAST_X $LC_ALL\""], environment: ["BALLAST_X": "y"]).run()
        #expect(result.standardOutput == "y C\n")
    }

    @Test("large output is drained without deadlock")
    func largeOutput() async throws {
        let result = try await Subprocess("/bin/sh", ["-c", "head -c 3000000 /dev/zero; head -c 200000 /dev/zero >&2"]).run()
        #expect(result.standardOutput.utf8.count == 3_000_000)
        #expect(result.standardError.utf8.count == 200_000)
    }
}
