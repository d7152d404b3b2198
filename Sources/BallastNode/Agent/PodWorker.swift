import BallastAPI
import BallastStorage
import Foundation
import Glibc
import Logging

/// Runs one pod: its sandbox, volumes, init containers in order, then its containers,
/// restarting them as restartPolicy says with Kubernetes' back-off, and computes the pod's
/// status from what it finds. Every step is level-triggered: `sync()` compares what runs
/// with what the spec asks and does the next step, so it can be called again at any time,
/// also by a restarted agent that loaded the worker from disk.
actor PodWorker {
    let uid: String
    let services: NodeServices
    private(set) var pod: Pod
    private var inputs = PodVolumeInputs()
    private var records: [String: ContainerRecord] = [:]
    /// Instances the runtime saw end before conmon's exit file was there, and since when.
    private var endedWithoutExitFile: [String: Date] = [:]
    private var mounted: [String: MountedVolume]?
    private var sandboxReady = false
    /// A problem with the pod as a whole (a volume that cannot be mounted).
    private var podProblem: (reason: String, message: String)?
    private var startTime: Date?
    /// Why the pod was evicted (a disk emptyDir over its sizeLimit); kept on disk, because
    /// an evicted pod must stay Failed across agent restarts.
    private var evictionMessage: String?
    private var lastUsageCheck = Date.distantPast
    private let logger: Logger

    var podDirectory: String { services.paths.pod(uid) }
    var namespace: String { pod.metadata.namespace ?? "default" }
    var name: String { pod.metadata.name ?? "" }

    init(pod: Pod, services: NodeServices, logger: Logger) {
        self.uid = pod.metadata.uid ?? ""
        self.pod = pod
        self.services = services
        self.logger = logger
        let directory = services.paths.pod(uid)
        for container in pod.spec?.allContainers ?? [] {
            let path = "\(directory)/containers/\(container.name)/record.json"
            if let bytes = try? FileIO.read(path), let record = try? JSONDecoder().decode(ContainerRecord.self, from: Data(bytes)) {
                records[container.name] = record
            }
        }
        startTime = pod.status?.startTime?.date
        evictionMessage = ((try? FileIO.readText(directory + "/evicted")) ?? nil).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The pod a previous agent saved in `podDirectory`, or nil.
    static func savedPod(podDirectory: String) -> Pod? {
        guard let bytes = try? FileIO.read(podDirectory + "/pod.json") else { return nil }
        return try? JSONDecoder().decode(Pod.self, from: Data(bytes))
    }

    /// The claims the pod's volumes have mounted as filesystems, and where (volume
    /// statistics). hostPath volumes are left out, as upstream reports none for them.
    func claimMounts() -> [VolumeStatsCollector.Mount] {
        guard let mounted else { return [] }
        return (pod.spec?.volumes ?? []).compactMap { volume in
            guard let claim = volume.source.persistentVolumeClaim?.claimName, let mount = mounted[volume.name], mount.kind != .hostPath else {
                return nil
            }
            return VolumeStatsCollector.Mount(namespace: namespace, claim: claim, path: mount.hostPath)
        }
    }

    /// Takes the newest pod object and what its volumes and variables refer to.
    func update(pod: Pod, inputs: PodVolumeInputs) {
        self.pod = pod
        self.inputs = inputs
    }

    // MARK: - Sync

    /// Does the next steps toward the spec and returns the status to report.
    func sync() async -> PodStatus {
        await collectExits()
        if pod.metadata.deletionTimestamp != nil || isTerminal(computePhase()) {
            return status()
        }
        do {
            try FileIO.makeDirectories(podDirectory + "/containers", mode: 0o750)
            let encoder = JSONEncoder()
            try FileIO.writeAtomically(podDirectory + "/pod.json", Array(try encoder.encode(pod)))
        } catch {
            podProblem = ("ContainerCreating", "cannot write the pod directory: \(error)")
            return status()
        }
        if startTime == nil { startTime = Date().wholeSeconds }
        if !sandboxReady {
            do {
                let hostname = pod.spec?.hostname ?? name
                let aliases = (pod.spec?.hostAliases ?? []).map { "\($0.ip)\t\(($0.hostnames ?? []).joined(separator: " "))" }
                try await services.sandbox.setUp(sandboxPaths, hostname: String(hostname.prefix(63)), hostAliases: aliases)
                sandboxReady = true
            } catch {
                podProblem = ("ContainerCreating", "\(error)")
                logger.warning("pod sandbox failed", metadata: ["pod": "\(namespace)/\(name)", "error": "\(error)"])
                return status()
            }
        }
        if mounted == nil {
            do {
                mounted = try await services.volumes.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)
                podProblem = nil
            } catch {
                podProblem = (VolumeError.failedMountReason, error.eventMessages.joined(separator: "; "))
                logger.warning("volumes failed", metadata: ["pod": "\(namespace)/\(name)", "error": "\(error)"])
                return status()
            }
        } else {
            _ = try? await services.volumes.update(pod: pod, podDirectory: podDirectory, inputs: inputs)
        }
        podProblem = nil

        if await evictIfOverLimit() { return status() }
        let policy = pod.spec?.restartPolicy ?? "Always"
        for container in pod.spec?.initContainers ?? [] {
            let record = records[container.name]
            if record?.isRunning == true { return status() }
            if let exit = record?.exit {
                if exit.code == 0 { continue }
                if policy == "Never" { return status() }
                await start(container, restart: true)
                return status()
            }
            await start(container, restart: false)
            return status()
        }
        for container in pod.spec?.containers ?? [] {
            let record = records[container.name]
            if record?.isRunning == true { continue }
            if let exit = record?.exit {
                let restart = policy == "Always" || (policy == "OnFailure" && exit.code != 0)
                if restart { await start(container, restart: true) }
            } else {
                await start(container, restart: false)
            }
        }
        return status()
    }

    /// Measures the pod's disk emptyDirs (every ten seconds: this kernel has no quotas) and,
    /// when one outgrew its sizeLimit, stops the pod for good with reason Evicted.
    private func evictIfOverLimit() async -> Bool {
        guard evictionMessage == nil else { return true }
        let limited = (pod.spec?.volumes ?? []).contains { $0.source.emptyDir?.sizeLimit != nil && $0.source.emptyDir?.medium != "Memory" }
        guard limited, Date().timeIntervalSince(lastUsageCheck) >= 10 else { return false }
        lastUsageCheck = Date()
        let (pod, directory) = (self.pod, podDirectory)
        let violations = await Blocking.run { EmptyDirMounter.limitViolations(of: pod, podDirectory: directory) }
        guard !violations.isEmpty else { return false }
        let message = violations.map(\.message).joined(separator: " ")
        evictionMessage = message
        try? FileIO.writeAtomically(podDirectory + "/evicted", Array(message.utf8))
        logger.warning("evicting pod", metadata: ["pod": "\(namespace)/\(name)", "reason": "\(message)"])
        await stopAll(grace: .seconds(pod.spec?.terminationGracePeriodSeconds ?? 30))
        return true
    }

    /// Whether instance `id`, without an exit file, is gone for good: unknown to the runtime,
    /// or ended for longer than conmon takes to write the file (conmon died with it).
    private func isLost(_ id: String) async -> Bool {
        switch await services.runner.presence(id) {
        case .lost:
            return true
        case .ended:
            let since = endedWithoutExitFile[id] ?? Date()
            endedWithoutExitFile[id] = since
            return Date().timeIntervalSince(since) > 10
        case .alive, .unknown:
            return false
        }
    }

    /// Reads conmon's exit files for instances that were running, and notices instances
    /// that vanished (a reboot lost them).
    private func collectExits() async {
        for (name, record) in records {
            guard let id = record.id, record.exit == nil, record.startedAt != nil else { continue }
            var updated = record
            let bundle = ContainerRunner.bundle(podDirectory: podDirectory, container: name, restartCount: record.restartCount)
            if let status = services.runner.exitStatus(id) {
                let message = try? await services.runner.remove(id, bundle: bundle)
                updated.exit = .init(code: status.code, reason: status.code == 0 ? "Completed" : "Error", message: message ?? nil,
                                     startedAt: record.startedAt, finishedAt: status.finishedAt, containerID: id)
            } else if await isLost(id) {
                _ = try? await services.runner.remove(id, bundle: bundle)
                updated.exit = .init(code: 137, reason: "ContainerStatusUnknown",
                                     message: "The container could not be located when the pod was terminated",
                                     startedAt: record.startedAt, finishedAt: Date().wholeSeconds, containerID: id)
            } else {
                continue
            }
            logger.info("container exited", metadata: ["pod": "\(namespace)/\(self.name)", "container": "\(name)",
                                                       "code": "\(updated.exit?.code ?? -1)"])
            endedWithoutExitFile[id] = nil
            save(updated)
        }
    }

    /// Starts `container` (again, when `restart`), unless its back-off has not run out.
    private func start(_ container: Container, restart: Bool) async {
        var record = records[container.name] ?? ContainerRecord(name: container.name)
        let now = Date()
        if restart, let exit = record.exit {
            // A container that ran ten minutes without trouble starts over at the first step.
            if let started = exit.startedAt, exit.finishedAt.timeIntervalSince(started) > 600 { record.backoffSeconds = 0 }
            if record.backoffSeconds > 0 {
                let until = exit.finishedAt.addingTimeInterval(record.backoffSeconds)
                if now < until {
                    record.waitingReason = "CrashLoopBackOff"
                    record.waitingMessage = "back-off \(Int(record.backoffSeconds))s restarting failed container=\(container.name) pod=\(name)_\(namespace)(\(uid))"
                    save(record)
                    return
                }
            }
            record.backoffSeconds = record.backoffSeconds == 0 ? services.backoffInitial
                : min(services.backoffMaximum, record.backoffSeconds * 2)
            record.lastExit = exit
            record.exit = nil
            record.id = nil
            record.startedAt = nil
            record.restartCount += 1
        }
        if let until = record.backoffUntil, now < until, record.id == nil {
            if record.waitingReason == "ErrImagePull" { record.waitingReason = "ImagePullBackOff" }
            save(record)
            return
        }
        record.image = container.image
        do {
            let (plan, image, stopSignal) = try await makePlan(container)
            record.stopSignal = stopSignal
            let bundle = ContainerRunner.bundle(podDirectory: podDirectory, container: container.name, restartCount: record.restartCount)
            let logPath = services.paths.logFile(namespace: namespace, name: name, uid: uid, container: container.name,
                                                 restartCount: record.restartCount)
            if FileIO.exists(bundle) { _ = try? await services.runner.remove(nil, bundle: bundle) }
            let id = try await services.runner.start(plan: plan, imageRootfs: image.rootfsPath, bundle: bundle,
                                                     name: "k8s_\(container.name)_\(name)_\(namespace)_\(uid)_\(record.restartCount)",
                                                     logPath: logPath)
            record.id = id
            record.imageID = image.repoDigests.first ?? image.digest.description
            record.startedAt = Date().wholeSeconds
            record.waitingReason = nil
            record.waitingMessage = nil
            record.backoffUntil = nil
            logger.info("container started", metadata: ["pod": "\(namespace)/\(name)", "container": "\(container.name)", "id": "\(id)"])
            pruneLogs(container: container.name, keeping: record.restartCount)
        } catch let failure as StartFailure {
            record.waitingReason = failure.reason
            record.waitingMessage = failure.message
            record.backoffSeconds = record.backoffSeconds == 0 ? services.backoffInitial : min(services.backoffMaximum, record.backoffSeconds * 2)
            record.backoffUntil = now.addingTimeInterval(record.backoffSeconds)
            logger.warning("container failed to start", metadata: ["pod": "\(namespace)/\(name)", "container": "\(container.name)",
                                                                   "reason": "\(failure.reason)", "message": "\(failure.message)"])
        } catch {
            record.waitingReason = "RunContainerError"
            record.waitingMessage = "\(error)"
            record.backoffUntil = now.addingTimeInterval(services.backoffInitial)
        }
        save(record)
    }

    /// Why a container could not be started, in the kubelet's words.
    struct StartFailure: Error {
        var reason: String
        var message: String
    }

    /// Resolves image, command, environment, user and mounts of `container`.
    private func makePlan(_ container: Container) async throws -> (ContainerLaunchPlan, StoredImage, Int32) {
        let image: StoredImage
        do {
            let policy = container.imagePullPolicy.flatMap(ImagePullPolicy.init(rawValue:))
            image = try await services.images.ensureImage(container.image ?? "", policy: policy)
        } catch {
            throw StartFailure(reason: error.reason, message: error.description)
        }
        let environment: [(String, String)]
        do {
            environment = try ContainerEnvironment.resolve(container: container, pod: pod, imageEnvironment: image.config.environment,
                                                           configMaps: inputs.configMaps, secrets: inputs.secrets, nodeName: services.nodeName)
        } catch {
            throw StartFailure(reason: "CreateContainerConfigError", message: error.description)
        }
        let variables = Dictionary(environment, uniquingKeysWith: { $1 })
        let entrypoint = container.command ?? image.config.entrypoint
        let command = container.command != nil ? (container.args ?? []) : (container.args ?? image.config.command)
        let arguments = (entrypoint + command).map { ContainerEnvironment.expand($0, with: variables) }
        guard !arguments.isEmpty else { throw StartFailure(reason: "CreateContainerError", message: "no command specified") }

        let context = container.securityContext
        let podContext = pod.spec?.securityContext
        let user: ResolvedUser
        do {
            if let uid = context?.runAsUser ?? podContext?.runAsUser {
                var resolved = (try? ImageUser.resolve(String(uid), rootfs: image.rootfsPath)) ?? ResolvedUser(uid: UInt32(uid), gid: 0)
                if let gid = context?.runAsGroup ?? podContext?.runAsGroup { resolved.gid = UInt32(gid) }
                user = resolved
            } else {
                var resolved = try ImageUser.resolve(image.config.user.isEmpty ? "0" : image.config.user, rootfs: image.rootfsPath)
                if let gid = context?.runAsGroup ?? podContext?.runAsGroup { resolved.gid = UInt32(gid) }
                user = resolved
            }
        } catch {
            throw StartFailure(reason: "CreateContainerConfigError", message: error.description)
        }
        if (context?.runAsNonRoot ?? podContext?.runAsNonRoot) == true && user.uid == 0 {
            throw StartFailure(reason: "CreateContainerConfigError", message: "container has runAsNonRoot and image will run as root")
        }
        var groups = user.additionalGids
        if let fsGroup = podContext?.fsGroup { groups.append(UInt32(fsGroup)) }
        for group in podContext?.supplementalGroups ?? [] { groups.append(UInt32(group)) }

        let binds: [BindMount]
        do {
            binds = try services.volumes.containerMounts(for: container, volumes: mounted ?? [:], environment: variables, podDirectory: podDirectory)
                .map { BindMount(hostPath: $0.hostPath, containerPath: $0.containerPath, readOnly: $0.readOnly, propagation: $0.propagation) }
        } catch {
            throw StartFailure(reason: "CreateContainerConfigError", message: "\(error)")
        }
        let plan = ContainerLaunchPlan(
            rootfs: "", arguments: arguments, environment: environment.map { "\($0.0)=\($0.1)" },
            workingDirectory: container.workingDir ?? (image.config.workingDirectory.isEmpty ? "/" : image.config.workingDirectory),
            uid: user.uid, gid: user.gid, additionalGids: Array(Set(groups)).sorted(),
            hostname: String((pod.spec?.hostname ?? name).prefix(63)), sandbox: sandboxPaths, binds: binds,
            terminationLogPath: "", terminationMessagePath: container.terminationMessagePath ?? "/dev/termination-log",
            cgroupsPath: "/ballast/\(services.nodeName)/pod\(uid)/\(container.name)",
            resources: container.resources, securityContext: context,
            readOnlyRootFilesystem: context?.readOnlyRootFilesystem ?? false)
        return (plan, image, Signals.number(image.config.stopSignal) ?? SIGTERM)
    }

    private var sandboxPaths: PodSandboxPaths {
        PodSandboxPaths(podDirectory: podDirectory, hostNetwork: pod.spec?.hostNetwork ?? false)
    }

    private func save(_ record: ContainerRecord) {
        records[record.name] = record
        let directory = "\(podDirectory)/containers/\(record.name)"
        do {
            try FileIO.makeDirectories(directory, mode: 0o750)
            try FileIO.writeAtomically(directory + "/record.json", Array(try JSONEncoder().encode(record)))
        } catch {
            logger.error("cannot save container record", metadata: ["path": "\(directory)", "error": "\(error)"])
        }
    }

    /// Keeps the current and the previous log file of a container (`kubectl logs --previous`).
    private func pruneLogs(container: String, keeping current: Int32) {
        let directory = services.paths.logDirectory(namespace: namespace, name: name, uid: uid, container: container)
        for entry in (try? FileIO.entries(directory)) ?? [] {
            guard let number = Int32(entry.dropLast(4)), entry.hasSuffix(".log"), number < current - 1 else { continue }
            unlink(directory + "/" + entry)
        }
    }

    // MARK: - Termination

    /// Stops every running container of the pod: the stop signal, then SIGKILL after
    /// `grace`, all containers in parallel.
    func stopAll(grace: Duration) async {
        let running = records.values.filter(\.isRunning).compactMap { record in record.id.map { ($0, record.stopSignal ?? SIGTERM) } }
        let runner = services.runner
        await withTaskGroup(of: Void.self) { group in
            for (id, signal) in running { group.addTask { await runner.stop(id, grace: grace, stopSignal: signal) } }
        }
        await collectExits()
    }

    /// Removes everything the pod had on the node: containers, volumes, sandbox, cgroups,
    /// logs and its directory. Idempotent; works from disk alone.
    func cleanUp() async throws {
        await stopAll(grace: .seconds(pod.spec?.terminationGracePeriodSeconds ?? 30))
        for entry in (try? FileIO.entries(podDirectory + "/containers")) ?? [] {
            let containerDirectory = podDirectory + "/containers/" + entry
            for instance in (try? FileIO.entries(containerDirectory)) ?? [] where Int(instance) != nil {
                try await services.runner.remove(nil, bundle: containerDirectory + "/" + instance)
            }
        }
        try await services.volumes.tearDown(podDirectory: podDirectory)
        try services.sandbox.tearDown(sandboxPaths)
        CgroupCleanup.removePod(node: services.nodeName, uid: uid)
        try TreeRemoval.remove(podDirectory)
        try TreeRemoval.remove("\(services.paths.logs)/\(namespace)_\(name)_\(uid)")
    }

    // MARK: - Status

    private func isTerminal(_ phase: String) -> Bool { phase == "Succeeded" || phase == "Failed" }

    /// The pod phase, by the kubelet's rules (getPhase).
    private func computePhase() -> String {
        if evictionMessage != nil { return "Failed" }
        let policy = pod.spec?.restartPolicy ?? "Always"
        for container in pod.spec?.initContainers ?? [] {
            guard let exit = records[container.name]?.exit else { return "Pending" }
            if exit.code != 0 { return policy == "Never" ? "Failed" : "Pending" }
        }
        var running = 0, waiting = 0, stopped = 0, succeeded = 0
        for container in pod.spec?.containers ?? [] {
            guard let record = records[container.name] else {
                waiting += 1
                continue
            }
            if record.isRunning {
                running += 1
            } else if let exit = record.exit {
                stopped += 1
                if exit.code == 0 { succeeded += 1 }
            } else if record.lastExit != nil {
                stopped += 1
            } else {
                waiting += 1
            }
        }
        if waiting > 0 { return "Pending" }
        if running > 0 { return "Running" }
        if stopped > 0 {
            if policy == "Always" { return "Running" }
            if stopped == succeeded { return "Succeeded" }
            return policy == "OnFailure" ? "Running" : "Failed"
        }
        return "Pending"
    }

    /// The status to write back.
    func status() -> PodStatus {
        var status = pod.status ?? PodStatus()
        let phase = computePhase()
        status.phase = phase
        status.hostIP = services.hostIP
        status.hostIPs = [HostIP(ip: services.hostIP)]
        if pod.spec?.hostNetwork == true {
            status.podIP = services.hostIP
            status.podIPs = [PodIP(ip: services.hostIP)]
        }
        if let startTime { status.startTime = Time(startTime) }
        status.initContainerStatuses = (pod.spec?.initContainers ?? []).map { container in
            var result = (records[container.name] ?? ContainerRecord(name: container.name)).status(spec: container)
            if records[container.name] == nil {
                result.state = ContainerState(waiting: ContainerStateWaiting(reason: "PodInitializing"))
            }
            return result
        }
        if status.initContainerStatuses?.isEmpty == true { status.initContainerStatuses = nil }
        let initialized = (pod.spec?.initContainers ?? []).allSatisfy { records[$0.name]?.exit?.code == 0 }
        status.containerStatuses = (pod.spec?.containers ?? []).map { container in
            var result = (records[container.name] ?? ContainerRecord(name: container.name)).status(spec: container)
            if records[container.name] == nil {
                result.state = ContainerState(waiting: ContainerStateWaiting(reason: initialized ? "ContainerCreating" : "PodInitializing",
                                                                             message: podProblem?.message))
            }
            return result
        }
        let ready = phase == "Running" && (pod.spec?.containers ?? []).allSatisfy { records[$0.name]?.isRunning == true }
        let now = Time.now()
        status.setCondition(PodCondition(type: "PodReadyToStartContainers", status: sandboxReady ? "True" : "False"), now: now)
        status.setCondition(PodCondition(type: "Initialized", status: initialized ? "True" : "False",
                                         reason: initialized ? nil : "ContainersNotInitialized"), now: now)
        status.setCondition(PodCondition(type: "ContainersReady", status: ready ? "True" : "False",
                                         reason: ready ? nil : (isTerminal(phase) ? "PodCompleted" : "ContainersNotReady")), now: now)
        status.setCondition(PodCondition(type: "Ready", status: ready ? "True" : "False",
                                         reason: ready ? nil : (isTerminal(phase) ? "PodCompleted" : "ContainersNotReady")), now: now)
        if let evictionMessage {
            status.reason = "Evicted"
            status.message = evictionMessage
        } else if let podProblem, phase == "Pending" {
            status.message = podProblem.message
            status.reason = nil
        } else {
            status.message = nil
        }
        return status
    }

    /// Names of the pod's volume problems, for events (reason, message), cleared once read.
    var problem: (reason: String, message: String)? { podProblem }
}

/// Signal names an image's StopSignal may use.
enum Signals {
    static func number(_ name: String?) -> Int32? {
        guard var name = name?.uppercased(), !name.isEmpty else { return nil }
        if let number = Int32(name) { return number }
        if !name.hasPrefix("SIG") { name = "SIG" + name }
        let table: [String: Int32] = ["SIGTERM": SIGTERM, "SIGINT": SIGINT, "SIGQUIT": SIGQUIT, "SIGKILL": SIGKILL, "SIGHUP": SIGHUP,
                                      "SIGUSR1": SIGUSR1, "SIGUSR2": SIGUSR2, "SIGWINCH": SIGWINCH]
        return table[name]
    }
}

/// Removes a pod's cgroup directories from every v1 hierarchy (and the unified one): the
/// runtime removes each container's, the pod's parent stays behind otherwise.
enum CgroupCleanup {
    static func removePod(node: String, uid: String) {
        for hierarchy in (try? FileIO.entries("/sys/fs/cgroup")) ?? [] {
            let directory = "/sys/fs/cgroup/\(hierarchy)/ballast/\(node)/pod\(uid)"
            guard FileIO.exists(directory) else { continue }
            for child in (try? FileIO.entries(directory)) ?? [] {
                let path = directory + "/" + child
                var status = stat()
                if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { rmdir(path) }
            }
            rmdir(directory)
        }
    }
}

extension CgroupCleanup {
    /// Removes the node's (empty) cgroup directories from every hierarchy.
    static func removeNode(_ node: String) {
        for hierarchy in (try? FileIO.entries("/sys/fs/cgroup")) ?? [] {
            let directory = "/sys/fs/cgroup/\(hierarchy)/ballast/\(node)"
            for pod in (try? FileIO.entries(directory)) ?? [] where pod.hasPrefix("pod") {
                removePod(node: node, uid: String(pod.dropFirst(3)))
            }
            rmdir(directory)
            // The shared parent goes too once no node uses it (rmdir fails while one does).
            rmdir("/sys/fs/cgroup/\(hierarchy)/ballast")
        }
    }
}
