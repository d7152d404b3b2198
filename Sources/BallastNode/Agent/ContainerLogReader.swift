import Foundation
import Glibc

/// Reads a container's CRI-format log files (`<time> <stream> <P|F> <text>`, as conmon
/// writes them) the way `kubectl logs` shows them: the text alone, optionally with the time
/// in front.
struct ContainerLogReader: Sendable {
    var paths: NodePaths

    /// What `kubectl logs` asks for.
    struct Options: Sendable {
        var previous = false
        var timestamps = false
        var tailLines: Int?
        var limitBytes: Int?
        var follow = false
    }

    /// Why the logs cannot be served, with an HTTP code.
    struct Failure: Error {
        var code: Int
        var message: String
    }

    /// The log file (and the pod directory) of a container, newest pod with that name first.
    func locate(namespace: String, pod: String, container: String, previous: Bool) throws(Failure) -> (file: String, podDirectory: String, restartCount: Int32) {
        let prefix = "\(namespace)_\(pod)_"
        let candidates = ((try? FileIO.entries(paths.logs)) ?? []).filter { $0.hasPrefix(prefix) }
        let newest = candidates.max { modified(paths.logs + "/" + $0) < modified(paths.logs + "/" + $1) }
        guard let directory = newest else { throw Failure(code: 404, message: "pod \"\(pod)\" has no logs on this node") }
        let uid = String(directory.dropFirst(prefix.count))
        let containerDirectory = "\(paths.logs)/\(directory)/\(container)"
        let numbers = ((try? FileIO.entries(containerDirectory)) ?? []).compactMap { $0.hasSuffix(".log") ? Int32($0.dropLast(4)) : nil }
        guard let current = numbers.max() else {
            throw Failure(code: 400, message: "container \"\(container)\" in pod \"\(pod)\" is waiting to start: no logs yet")
        }
        let wanted = previous ? current - 1 : current
        guard numbers.contains(wanted) else {
            throw Failure(code: 400, message: "previous terminated container \"\(container)\" in pod \"\(pod)\" not found")
        }
        return ("\(containerDirectory)/\(wanted).log", paths.pod(uid), wanted)
    }

    /// Turns complete CRI lines into what the user sees: each entry's text, with a newline
    /// when it is a full line (F) and none after a partial one (P), as the kubelet does.
    static func render(_ bytes: [UInt8], timestamps: Bool) -> [UInt8] {
        var output: [UInt8] = []
        var lineStart = 0
        let space = UInt8(ascii: " ")
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            let line = bytes[lineStart..<index]
            lineStart = index + 1
            guard let first = line.firstIndex(of: space), let second = line[(first + 1)...].firstIndex(of: space) else { continue }
            let third = line[(second + 1)...].firstIndex(of: space) ?? line.endIndex
            if timestamps { output += line[line.startIndex..<first] + [space] }
            if third < line.endIndex { output += line[(third + 1)...] }
            if line[(second + 1)..<third].first != UInt8(ascii: "P") { output.append(UInt8(ascii: "\n")) }
        }
        return output
    }

    /// The rendered content of `file`, cut to the last `tailLines` lines and `limitBytes` bytes.
    static func read(_ file: String, options: Options) -> (output: [UInt8], offset: Int) {
        let bytes = (try? FileIO.read(file, limit: 256 << 20)) ?? []
        var output = render(bytes, timestamps: options.timestamps)
        if let tail = options.tailLines {
            // A trailing partial line counts as a line.
            var newlines = output.last == UInt8(ascii: "\n") || output.isEmpty ? 0 : 1
            var start = output.endIndex
            while start > output.startIndex {
                if output[start - 1] == UInt8(ascii: "\n") {
                    if newlines == tail { break }
                    newlines += 1
                }
                start -= 1
            }
            output = Array(output[start...])
        }
        if let limit = options.limitBytes, output.count > limit { output = Array(output.prefix(limit)) }
        return (output, bytes.count)
    }

    private func modified(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mtim.tv_sec : 0
    }
}
