extension StrategicMerger {
    /// Orders a merged list the way apimachinery's strategicpatch does: the elements named
    /// in `order` (the patch list or `$setElementOrder`) take that order, the others keep the
    /// order they had in `serverOrder` (the live list), and the two runs are interleaved so
    /// that a live element goes before a patch element when it came first in the live list.
    /// A new element therefore lands before live elements the patch did not mention.
    static func ordered(_ merged: [JSONValue], by order: [JSONValue], serverOrder: [JSONValue], strategy: PatchSchema.ListStrategy) -> [JSONValue] {
        let identity: (JSONValue) -> JSONValue?
        switch strategy {
        case .atomic: return merged
        case .set: identity = { $0 }
        case .merge(let key): identity = { $0[key] }
        }
        let orderIDs = order.map(identity)
        let serverIDs = serverOrder.map(identity)
        func position(of item: JSONValue, in ids: [JSONValue?]) -> Int? {
            guard let id = identity(item) else { return nil }
            return ids.firstIndex(of: id)
        }

        var named: [JSONValue] = []
        var serverOnly: [JSONValue] = []
        for item in merged {
            if position(of: item, in: orderIDs) != nil { named.append(item) } else { serverOnly.append(item) }
        }
        let right = sortedStably(named) { position(of: $0, in: orderIDs) }
        let left = sortedStably(serverOnly) { position(of: $0, in: serverIDs) }

        var result: [JSONValue] = []
        result.reserveCapacity(merged.count)
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if j >= right.count {
                result.append(left[i])
                i += 1
            } else if i >= left.count {
                result.append(right[j])
                j += 1
            } else if let l = position(of: left[i], in: serverIDs), let r = position(of: right[j], in: serverIDs), l < r {
                result.append(left[i])
                i += 1
            } else {
                result.append(right[j])
                j += 1
            }
        }
        return result
    }

    /// `items` sorted by `rank`, stable; unranked items follow the ranked ones.
    private static func sortedStably(_ items: [JSONValue], rank: (JSONValue) -> Int?) -> [JSONValue] {
        items.enumerated()
            .map { (rank: rank($0.element) ?? Int.max, offset: $0.offset, item: $0.element) }
            .sorted { ($0.rank, $0.offset) < ($1.rank, $1.offset) }
            .map(\.item)
    }
}
