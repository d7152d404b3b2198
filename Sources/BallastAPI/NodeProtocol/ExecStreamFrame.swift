/// The framing of an exec session between the API server and a node agent, over one TCP
/// connection after the agent's `200`: each frame is a stream number, a 4-byte big-endian
/// length and that many bytes. The stream numbers are Kubernetes' remotecommand channels, so
/// the API server relays frames to kubectl's WebSocket unchanged.
public struct ExecStreamFrame: Sendable, Equatable {
    public enum Stream: UInt8, Sendable {
        case stdin = 0, stdout = 1, stderr = 2
        /// The session's end: a JSON `Status` (Success, or NonZeroExitCode with the code).
        case status = 3
        /// A terminal's new size: JSON `{"Width": w, "Height": h}`.
        case resize = 4
    }

    /// The largest payload a frame may carry (a bigger length means a broken peer).
    public static let maxPayload = 1 << 20

    public var stream: Stream
    /// An empty stdin frame closes the command's standard input.
    public var payload: [UInt8]

    public init(_ stream: Stream, _ payload: [UInt8]) {
        self.stream = stream
        self.payload = payload
    }

    public var encoded: [UInt8] {
        let length = UInt32(payload.count)
        return [stream.rawValue, UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
    }

    /// Takes whole frames off the front of `buffer`.
    /// - Throws: `ExecStreamFrame.Malformed` for an unknown stream or an oversized length.
    public static func decode(from buffer: inout [UInt8]) throws(Malformed) -> [ExecStreamFrame] {
        var frames: [ExecStreamFrame] = []
        var offset = 0
        while buffer.count - offset >= 5 {
            guard let stream = Stream(rawValue: buffer[offset]) else { throw Malformed(description: "unknown exec stream \(buffer[offset])") }
            let length = Int(buffer[offset + 1]) << 24 | Int(buffer[offset + 2]) << 16 | Int(buffer[offset + 3]) << 8 | Int(buffer[offset + 4])
            guard length <= maxPayload else { throw Malformed(description: "exec frame of \(length) bytes") }
            guard buffer.count - offset - 5 >= length else { break }
            frames.append(ExecStreamFrame(stream, Array(buffer[(offset + 5)..<(offset + 5 + length)])))
            offset += 5 + length
        }
        buffer.removeFirst(offset)
        return frames
    }

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }
}

/// The `Status` that ends an exec session, as the kubelet writes it on the error channel:
/// kubectl exits 0 on Success and with the command's code on NonZeroExitCode.
public enum ExecStatus {
    public static func exited(_ code: Int32, command: [String]) -> Status {
        guard code != 0 else { return Status(status: "Success") }
        var status = Status(status: "Failure", message: "command terminated with non-zero exit code: error executing command [\(command.joined(separator: " "))], exit code \(code)",
                            reason: "NonZeroExitCode")
        status.details = StatusDetails(causes: [StatusCause(reason: "ExitCode", message: String(code), field: nil)])
        return status
    }

    public static func failed(_ message: String) -> Status {
        Status(status: "Failure", message: message, reason: "InternalError", code: 500)
    }
}
