public import BallastAPI
import Foundation

/// `ballast pv history`: a volume's VolumeHistory as a timeline, oldest first.
public struct VolumeTimeline: Sendable, Codable, Equatable {
    public var volume: String
    /// Whether the volume still exists; when not, since when it is gone.
    public var volumeDeletedAt: Time?
    public var entries: [VolumeHistoryEntry]

    public init(_ history: VolumeHistory) {
        volume = history.name
        volumeDeletedAt = history.volumeDeletedAt
        entries = history.entries
    }

    public var text: String {
        let rows = entries.map { entry in [Self.format(entry.time), entry.action, entry.message, entry.by ?? ""] }
        var text = TextTable(headers: ["Time", "Action", "Details", "By"], rows: rows).text
        if let volumeDeletedAt { text += "\nThe volume was deleted at \(Self.format(volumeDeletedAt)); this history is kept for the server's retention period.\n" }
        return text
    }

    /// UTC, to the second, as Kubernetes stores it.
    static func format(_ time: Time) -> String { time.description }
}
