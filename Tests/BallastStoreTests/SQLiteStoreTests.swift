import BallastStore
import Foundation
import Testing

/// A document whose labels and fields the indexer can read back: "name=label".
private func render(_ name: String, _ text: String, labels: [String: String] = [:]) -> Renderer {
    { revision in RenderedObject(uid: "uid-\(name)", data: Array("\(text)@\(revision)".utf8), labels: labels, fields: ["metadata.name": name]) }
}

private func key(_ name: String, namespace: String = "default") -> ObjectKey {
    ObjectKey(resource: "configmaps", namespace: namespace, name: name)
}

private func openStore(_ path: String, window: Int = 1000) throws -> SQLiteStore {
    try SQLiteStore(path: path, eventWindow: window) { _, data in
        RenderedObject(uid: "reloaded", data: data, labels: [:], fields: [:])
    }
}

private func temporaryPath() -> String {
    NSTemporaryDirectory() + "store-\(UUID().uuidString).db"
}

@Suite struct SQLiteStoreTests {
    @Test func createsReadsUpdatesAndDeletesWithOneGlobalRevision() async throws {
        let store = try openStore(temporaryPath())
        let a = try await store.create(key("a"), render: render("a", "one"))
        let b = try await store.create(key("b"), render: render("b", "two"))
        #expect(a.revision == 1)
        #expect(b.revision == 2)
        #expect(store.get(key("a"))?.data == Array("one@1".utf8))
        let updated = try await store.update(key("a"), expectedRevision: 1, render: render("a", "three"))
        #expect(updated.revision == 3)
        let deleted = try await store.delete(key("b"), expectedRevision: nil, render: render("b", "gone"))
        #expect(deleted.revision == 4)
        #expect(store.get(key("b")) == nil)
        #expect(store.currentRevision == 4)
        #expect(store.list(resource: "configmaps", namespace: nil).items.map(\.key.name) == ["a"])
    }

    @Test func refusesDuplicatesStaleWritesAndMissingObjects() async throws {
        let store = try openStore(temporaryPath())
        _ = try await store.create(key("a"), render: render("a", "x"))
        await #expect(throws: StoreError.alreadyExists(key("a"))) { _ = try await store.create(key("a"), render: render("a", "y")) }
        _ = try await store.update(key("a"), expectedRevision: 1, render: render("a", "z"))
        await #expect(throws: StoreError.conflict(key("a"), currentRevision: 2)) {
            _ = try await store.update(key("a"), expectedRevision: 1, render: render("a", "stale"))
        }
        await #expect(throws: StoreError.notFound(key("nope"))) {
            _ = try await store.update(key("nope"), expectedRevision: 1, render: render("nope", "x"))
        }
        #expect(store.get(key("a"))?.data == Array("z@2".utf8))
    }

    @Test func twoUpdatesWithTheSameRevisionExactlyOneWins() async throws {
        let store = try openStore(temporaryPath())
        _ = try await store.create(key("a"), render: render("a", "base"))
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    (try? await store.update(key("a"), expectedRevision: 1, render: render("a", "writer\(index)"))) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(store.currentRevision == 2)
    }

    @Test func survivesReopeningWithEveryObjectAndTheRevision() async throws {
        let path = temporaryPath()
        do {
            let store = try openStore(path)
            for index in 0..<50 { _ = try await store.create(key("o\(index)"), render: render("o\(index)", "v")) }
            _ = try await store.delete(key("o49"), expectedRevision: nil, render: render("o49", "gone"))
            store.close()
        }
        let reopened = try openStore(path)
        #expect(reopened.currentRevision == 51)
        #expect(reopened.list(resource: "configmaps", namespace: "default").items.count == 49)
        #expect(reopened.get(key("o7"))?.data == Array("v@8".utf8))
        let next = try await reopened.create(key("new"), render: render("new", "v"))
        #expect(next.revision == 52)
    }

    @Test func concurrentCreatesGetDistinctContiguousRevisions() async throws {
        let store = try openStore(temporaryPath())
        let revisions = await withTaskGroup(of: Int64?.self) { group in
            for index in 0..<500 {
                group.addTask { try? await store.create(key("c\(index)"), render: render("c\(index)", "v")).revision }
            }
            return await group.reduce(into: [Int64]()) { if let revision = $1 { $0.append(revision) } }
        }
        #expect(revisions.count == 500)
        #expect(Set(revisions) == Set(1...500))
    }

    @Test func watchReplaysFromARevisionThenGoesLiveExactlyOnceInOrder() async throws {
        let store = try openStore(temporaryPath())
        for index in 0..<5 { _ = try await store.create(key("w\(index)"), render: render("w\(index)", "v")) }
        let stream = try store.watch(resource: "configmaps", namespace: nil, after: 2)
        for index in 5..<10 { _ = try await store.create(key("w\(index)"), render: render("w\(index)", "v")) }
        _ = try await store.delete(key("w0"), expectedRevision: nil, render: render("w0", "gone"))
        var seen: [Int64] = []
        var kinds: [StoreEvent.Kind] = []
        for try await event in stream {
            seen.append(event.revision)
            kinds.append(event.kind)
            if seen.count == 9 { break }
        }
        #expect(seen == Array(3...11))
        #expect(kinds.last == .deleted)
        #expect(kinds.dropLast().allSatisfy { $0 == .added })
    }

    @Test func watchFiltersByNamespaceAndResource() async throws {
        let store = try openStore(temporaryPath())
        let stream = try store.watch(resource: "configmaps", namespace: "team", after: 0)
        _ = try await store.create(key("other", namespace: "default"), render: render("other", "v"))
        _ = try await store.create(ObjectKey(resource: "secrets", namespace: "team", name: "s"), render: render("s", "v"))
        _ = try await store.create(key("mine", namespace: "team"), render: render("mine", "v"))
        for try await event in stream {
            #expect(event.object.key == key("mine", namespace: "team"))
            break
        }
    }

    @Test func watchBeyondTheRetainedWindowIsExpired() async throws {
        let store = try openStore(temporaryPath(), window: 10)
        for index in 0..<30 { _ = try await store.create(key("e\(index)"), render: render("e\(index)", "v")) }
        #expect(store.oldestWatchableRevision == 20)
        #expect(throws: StoreError.expired(requested: 5, oldest: 20)) { _ = try store.watch(resource: "configmaps", namespace: nil, after: 5) }
        _ = try store.watch(resource: "configmaps", namespace: nil, after: 20)
    }

    @Test func aWatchCarriesThePreviousStateOfEveryChange() async throws {
        let store = try openStore(temporaryPath())
        let stream = try store.watch(resource: "configmaps", namespace: nil, after: 0)
        _ = try await store.create(key("p"), render: render("p", "first", labels: ["app": "a"]))
        _ = try await store.update(key("p"), expectedRevision: 1, render: render("p", "second", labels: ["app": "b"]))
        var events: [StoreEvent] = []
        for try await event in stream {
            events.append(event)
            if events.count == 2 { break }
        }
        #expect(events[0].previous == nil)
        #expect(events[1].previous?.labels == ["app": "a"])
        #expect(events[1].object.labels == ["app": "b"])
    }
}
