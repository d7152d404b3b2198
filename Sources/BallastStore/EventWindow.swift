/// The most recent changes, kept so that a watch can resume from any revision inside the
/// window. Revisions are contiguous (every write is one event), so lookup is O(1).
struct EventWindow {
    private var buffer: [StoreEvent?]
    private var start = 0
    private(set) var count = 0

    init(capacity: Int) {
        buffer = Array(repeating: nil, count: max(1, capacity))
    }

    var capacity: Int { buffer.count }

    /// The revision of the oldest retained event, or nil when empty.
    var firstRevision: Int64? { count == 0 ? nil : buffer[start]?.revision }

    mutating func append(_ event: StoreEvent) {
        if count == buffer.count {
            buffer[start] = event
            start = (start + 1) % buffer.count
        } else {
            buffer[(start + count) % buffer.count] = event
            count += 1
        }
    }

    /// Events with a revision greater than `revision`, oldest first.
    func events(after revision: Int64) -> ArraySlice<StoreEvent> {
        guard let first = firstRevision else { return [] }
        let skip = max(0, Int(revision - first + 1))
        guard skip < count else { return [] }
        var out: [StoreEvent] = []
        out.reserveCapacity(count - skip)
        for offset in skip..<count {
            if let event = buffer[(start + offset) % buffer.count] { out.append(event) }
        }
        return out[...]
    }

    /// Checks that revisions are contiguous and ascending (for tests).
    func testOnly_verifyInvariants() -> Bool {
        var previous: Int64?
        for offset in 0..<count {
            guard let event = buffer[(start + offset) % buffer.count] else { return false }
            if let previous, event.revision != previous + 1 { return false }
            previous = event.revision
        }
        return true
    }
}
