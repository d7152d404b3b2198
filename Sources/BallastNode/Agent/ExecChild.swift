import BallastAPI
import Foundation
import Glibc

/// The runtime's `exec` process of one exec session, with its standard streams on pipes,
/// or all three on a pseudo-terminal.
final class ExecChild {
    let pid: pid_t
    /// What to read, and which exec stream it is.
    let outputs: [(descriptor: Int32, stream: ExecStreamFrame.Stream)]
    /// Where standard input goes (the terminal's master with a tty); -1 once closed.
    private var input: Int32
    private let tty: Bool
    /// TIOCSPTLCK and TIOCGPTN (_IOW/_IOR('T', 0x31/0x30, int)), which Swift does not import.
    private static let setPseudoTerminalLock: UInt32 = 0x4004_5431
    private static let getPseudoTerminalNumber: UInt32 = 0x8004_5430

    private init(pid: pid_t, outputs: [(descriptor: Int32, stream: ExecStreamFrame.Stream)], input: Int32, tty: Bool) {
        self.pid = pid
        self.outputs = outputs
        self.input = input
        self.tty = tty
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameter size: the terminal's size (a resize payload) to set before the command starts.
    static func spawn(_ executable: String, _ arguments: [String], stdin: Bool, tty: Bool, size: [UInt8]? = nil) throws(SpawnError) -> ExecChild {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer { for descriptor in childEnds { close(descriptor) } }
        func fail(_ what: String) -> SpawnError {
            let message = String(cString: strerror(errno))
            for descriptor in parentEnds { close(descriptor) }
            return SpawnError(description: "\(what): \(message)")
        }

        let outputs: [(descriptor: Int32, stream: ExecStreamFrame.Stream)]
        let input: Int32
        if tty {
            // posix_openpt and friends are hidden from Swift's Glibc module; these are what
            // they do on Linux (grantpt is a no-op with devpts).
            let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard master >= 0 else { throw fail("open /dev/ptmx") }
            parentEnds.append(master)
            var unlock: Int32 = 0
            var number: UInt32 = 0
            guard ioctl(master, UInt(Self.setPseudoTerminalLock), &unlock) == 0, ioctl(master, UInt(Self.getPseudoTerminalNumber), &number) == 0 else {
                throw fail("pseudo-terminal")
            }
            let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard slave >= 0 else { throw fail("open /dev/pts/\(number)") }
            childEnds.append(slave)
            if let size { setSize(of: master, to: size) }
            for target: Int32 in 0...2 { posix_spawn_file_actions_adddup2(&actions, slave, target) }
            outputs = [(master, .stdout)]
            input = master
        } else {
            var pipes: [[Int32]] = []
            for _ in 0..<3 {
                var ends: [Int32] = [-1, -1]
                guard LinuxExtras.pipe2(&ends, O_CLOEXEC) == 0 else { throw fail("pipe") }
                pipes.append(ends)
            }
            // pipes[0]: the child reads, we write; pipes[1] and [2]: the child writes, we read.
            parentEnds += [pipes[0][1], pipes[1][0], pipes[2][0]]
            childEnds += [pipes[0][0], pipes[1][1], pipes[2][1]]
            if stdin {
                posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
            } else {
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            }
            posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
            outputs = [(pipes[1][0], .stdout), (pipes[2][0], .stderr)]
            input = pipes[0][1]
        }
        LinuxExtras.addCloseFrom(&actions, 3)

        let commandLine: [String] = [executable] + arguments
        let variables: [String] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]
        let argv = commandLine.map { (text: String) -> UnsafeMutablePointer<CChar>? in strdup(text) } + [nil]
        let environment = variables.map { (text: String) -> UnsafeMutablePointer<CChar>? in strdup(text) } + [nil]
        defer { for pointer in argv + environment { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, environment)
        guard code == 0 else {
            errno = code
            throw fail("spawn \(executable)")
        }
        return ExecChild(pid: pid, outputs: outputs, input: input, tty: tty)
    }

    /// Passes a frame from the client on: input bytes, the end of input, or a new size.
    func deliver(_ frame: ExecStreamFrame) {
        switch frame.stream {
        case .stdin where frame.payload.isEmpty:
            closeInput()
        case .stdin:
            guard input >= 0 else { return }
            var offset = 0
            while offset < frame.payload.count {
                let written = frame.payload.withUnsafeBytes { write(input, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        case .resize:
            guard tty, input >= 0 else { return }
            Self.setSize(of: input, to: frame.payload)
        case .stdout, .stderr, .status:
            return
        }
    }

    /// Sets a terminal's size from kubectl's `{"Width": w, "Height": h}`.
    private static func setSize(of terminal: Int32, to payload: [UInt8]) {
        struct Size: Decodable {
            var Width: UInt16
            var Height: UInt16
        }
        guard let size = try? JSONDecoder().decode(Size.self, from: Data(payload)) else { return }
        var window = winsize(ws_row: size.Height, ws_col: size.Width, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(terminal, UInt(TIOCSWINSZ), &window)
    }

    /// Ends the command's input (a terminal stays open: it carries the output too).
    func closeInput() {
        guard !tty, input >= 0 else { return }
        close(input)
        input = -1
    }

    /// Waits for the process; its exit code, or 128 + the signal that killed it.
    func wait() -> Int32 {
        if !tty { closeInput() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
