import BallastAPI
import Foundation

/// What the agent remembers about one container of a pod, kept on disk at
/// `<podDir>/containers/<name>/record.json` so a restarted agent finds the same running
/// containers instead of starting them twice.
struct ContainerRecord: Codable, Sendable, Equatable {
    /// The container's name in the pod spec.
    var name: String
    /// The runtime ID of the current (or last) instance; nil before the first start.
    var id: String?
    /// How many times the container was restarted (the current instance's log file number).
    var restartCount: Int32 = 0
    /// The image as the spec names it, and the pinned image ID it ran.
    var image: String?
    var imageID: String?
    /// When the current instance started.
    var startedAt: Date?
    /// How the current instance ended, once it has.
    var exit: Exit?
    /// How the previous instance ended (the status's lastState).
    var lastExit: Exit?
    /// Why the container is not running, when it is not (ContainerCreating, ErrImagePull,
    /// CrashLoopBackOff …) and what went wrong.
    var waitingReason: String?
    var waitingMessage: String?
    /// Not before this instant may the container be started again (restart back-off).
    var backoffUntil: Date?
    /// The signal that asks the current instance to stop (the image's StopSignal).
    var stopSignal: Int32?
    /// The current back-off step (10 s, doubling, 5 min at most).
    var backoffSeconds: Double = 0

    /// How an instance ended.
    struct Exit: Codable, Sendable, Equatable {
        var code: Int32
        var reason: String
        var message: String?
        var startedAt: Date?
        var finishedAt: Date
        var containerID: String?
    }

    /// Whether an instance exists and has not ended.
    var isRunning: Bool { id != nil && exit == nil && startedAt != nil }

    /// The Kubernetes status of this container.
    func status(spec container: Container) -> ContainerStatus {
        var status = ContainerStatus(name: name, ready: isRunning, restartCount: restartCount,
                                     image: container.image ?? image ?? "", imageID: imageID ?? "",
                                     started: isRunning)
        if let id { status.containerID = "ballast://" + id }
        var previous = lastExit
        if isRunning {
            status.state = ContainerState(running: ContainerStateRunning(startedAt: startedAt.map(Time.init)))
        } else if let exit, waitingReason == nil {
            status.state = ContainerState(terminated: exit.terminated)
        } else {
            status.state = ContainerState(waiting: ContainerStateWaiting(reason: waitingReason ?? "ContainerCreating", message: waitingMessage))
            if let exit { previous = exit }
        }
        if let previous { status.lastState = ContainerState(terminated: previous.terminated) }
        return status
    }
}

extension Date {
    /// This instant without its fraction of a second: what a Kubernetes Time keeps, so a
    /// status compares equal to the one read back.
    var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

extension ContainerRecord.Exit {
    var terminated: ContainerStateTerminated {
        ContainerStateTerminated(exitCode: code, reason: reason, message: message, startedAt: startedAt.map(Time.init),
                                 finishedAt: Time(finishedAt), containerID: containerID.map { "ballast://" + $0 })
    }
}
