internal import CLVM
import Glibc
import Synchronization

/// One line lvm logged while a command ran.
struct LVMLogLine: Sendable, Equatable {
    /// lvm's level: 2 fatal, 3 error, 4 print (report output and warnings).
    var level: Int32
    var text: String
}

/// What one lvm2_run left: its return code and the lines it logged at print level or
/// above.
struct LVMCommandOutput: Sendable {
    var returnCode: Int32
    var lines: [LVMLogLine]

    /// Error and fatal lines.
    var errors: [String] { lines.filter { $0.level <= LVMLibrary.errorLevel }.map(\.text) }
    /// Everything at print level and above that is not part of a JSON report.
    var messages: [String] { lines.filter { $0.level < LVMLibrary.printLevel || !LVMLibrary.looksLikeJSON($0.text) }.map(\.text) }
    /// The JSON a report command printed, warnings left out (INTEROP pitfall 7).
    var json: String {
        lines.filter { $0.level == LVMLibrary.printLevel && LVMLibrary.looksLikeJSON($0.text) }.map(\.text).joined(separator: "\n")
    }
}

/// Lines of the command running now. liblvm2cmd's log hook is one process-wide C function
/// pointer, which cannot capture context (INTEROP pitfalls 1–2), so it writes here.
private let capturedLines = Mutex<[LVMLogLine]>([])

/// Serialises every lvm2_run in the process, whichever handle it uses: the library is not
/// thread-safe and its log hook is global (pitfall 10).
private let processWideRun = Mutex<Void>(())

private func captureLog(level: Int32, file: UnsafePointer<CChar>?, line: Int32, dmErrno: Int32, message: UnsafePointer<CChar>?) {
    // lvm passes 100s of debug lines per command (pitfall 7); keep print level and above.
    // The low bits are the level; higher bits are lvm's internal routing flags.
    let level = level & 0x0f
    guard let message, level <= LVMLibrary.printLevel, level > 0 else { return }
    let text = String(cString: message)
    capturedLines.withLock { $0.append(LVMLogLine(level: level, text: text)) }
}

/// The liblvm2cmd handle: the only code that imports CLVM. Not thread-safe; its owner
/// (`LibLVMBackend`, an actor on one thread) uses it from one thread at a time.
final class LVMLibrary {
    static let errorLevel: Int32 = 3
    static let printLevel: Int32 = 4

    private var handle: UnsafeMutableRawPointer?

    /// Opens a handle that reads `systemDirectory`/lvm.conf.
    ///
    /// LVM_SYSTEM_DIR is read once, here: lvm keeps the directory in its context and reloads
    /// lvm.conf from it when the file changes. The variable is set only around lvm2_init, so
    /// programs the process starts later do not inherit it.
    init(systemDirectory: String) throws(LVMError) {
        let previous = getenv("LVM_SYSTEM_DIR").map { String(cString: $0) }
        let opened: UnsafeMutableRawPointer? = processWideRun.withLock { _ in
            setenv("LVM_SYSTEM_DIR", systemDirectory, 1)
            defer {
                if let previous { setenv("LVM_SYSTEM_DIR", previous, 1) } else { unsetenv("LVM_SYSTEM_DIR") }
            }
            lvm2_log_fn(captureLog)
            capturedLines.withLock { $0.removeAll() }
            // The threaded variant leaves the process's signal handling alone.
            let handle = lvm2_init_threaded()
            if let handle { lvm2_disable_dmeventd_monitoring(handle) }
            return handle
        }
        guard let opened else {
            let lines = capturedLines.withLock { $0 }
            throw LVMError(.failed, command: "lvm2_init", returnCode: 4, messages: lines.map(\.text))
        }
        handle = opened
    }

    deinit {
        close()
    }

    /// Runs one lvm command; `arguments` must hold no whitespace (the caller checks).
    func run(_ arguments: [String]) -> LVMCommandOutput {
        guard let handle else { return LVMCommandOutput(returnCode: 4, lines: [LVMLogLine(level: 3, text: "lvm handle is closed")]) }
        let commandLine = arguments.joined(separator: " ")
        return processWideRun.withLock { _ in
            capturedLines.withLock { $0.removeAll() }
            let code = lvm2_run(handle, commandLine)
            let lines = capturedLines.withLock { lines in
                defer { lines.removeAll() }
                return lines
            }
            return LVMCommandOutput(returnCode: code, lines: lines)
        }
    }

    /// Releases the handle; later runs fail.
    func close() {
        guard let handle else { return }
        processWideRun.withLock { _ in lvm2_exit(handle) }
        self.handle = nil
    }

    /// Whether a line printed at level 4 is a fragment of a JSON report rather than a
    /// message: lvm prints the report as indented lines of braces, brackets, commas and
    /// objects, and its messages start with a word.
    static func looksLikeJSON(_ text: String) -> Bool {
        guard let first = text.first(where: { $0 != " " && $0 != "\t" }) else { return false }
        return "{}[],\"".contains(first)
    }
}
