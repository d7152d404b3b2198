import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// Issue 2: optimistic concurrency and watches, through HTTPS.
@Suite struct ConsistencyTests {
    @Test func twoUpdatesCarryingTheSameResourceVersionExactlyOneWins() async throws {
        let server = try ServerProcess()
        let client = KubeClient(transport: try KubeconfigFile.load(path: server.kubeconfig).transport())
        var map = ConfigMap(metadata: ObjectMeta(name: "race", namespace: "default"))
        map.data = ["n": "0"]
        let created = try await client.create(map)
        let outcomes = await withTaskGroup(of: Int?.self) { group in
            for writer in 1...2 {
                group.addTask {
                    var copy = created
                    copy.data = ["n": String(writer)]
                    do {
                        _ = try await client.update(copy)
                        return 200
                    } catch let error as ClientError {
                        return error.code
                    } catch {
                        return nil
                    }
                }
            }
            return await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(outcomes.sorted { ($0 ?? 0) < ($1 ?? 0) } == [200, 409])
    }

    @Test func aWatchFromAListsVersionSeesEveryLaterChangeOnceInOrder() async throws {
        let server = try ServerProcess()
        let client = KubeClient(transport: try KubeconfigFile.load(path: server.kubeconfig).transport())
        for index in 0..<5 { _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "pre-\(index)", namespace: "default"))) }
        let listed = try await client.list(ConfigMap.self, namespace: "default")
        let events = try await client.watch(ConfigMap.self, namespace: "default", resourceVersion: String(listed.resourceVersion))
        var expected: [String] = []
        for index in 0..<30 {
            let name = "live-\(index)"
            let made = try await client.create(ConfigMap(metadata: ObjectMeta(name: name, namespace: "default")))
            expected.append("ADDED \(name) \(made.metadata.resourceVersion ?? "")")
            if index % 3 == 0 {
                try await client.delete(ConfigMap.self, namespace: "default", name: name)
                expected.append("DELETED \(name)")
            }
        }
        // A stalled stream must fail the test, not hang the run: read in a task and give
        // it a deadline.
        let wanted = expected.count
        let collected = Locked<[String]>([])
        let reader = Task {
            do {
                for try await event in events {
                    switch event {
                    case .added(let map): collected.withLock { $0.append("ADDED \(map.name) \(map.metadata.resourceVersion ?? "")") }
                    case .deleted(let map): collected.withLock { $0.append("DELETED \(map.name)") }
                    case .modified(let map): collected.withLock { $0.append("MODIFIED \(map.name)") }
                    case .bookmark: continue
                    }
                    if collected.withLock({ $0.count }) >= wanted { break }
                }
            } catch {
                collected.withLock { $0.append("error: \(error)") }
            }
        }
        for _ in 0..<300 where collected.withLock({ $0.count }) < wanted {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        reader.cancel()
        let seen = collected.withLock { $0 }
        #expect(seen == expected)
    }
}
