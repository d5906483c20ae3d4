import MarvinCore

/// How a request uses pairs (§5.9).
enum SelectionMode: Sendable, Equatable {
    /// Unpaired nodes and tails.
    case single
    /// Unpaired nodes and heads.
    case head
    /// A head and its tail together.
    case pair
    /// Exactly the nodes named in the `nodes` option, heads and tails alike.
    case preselection
}

extension SelectionMode {
    /// The mode the `interfaceCount` parameter asks for (§5.9): 1 single (the default),
    /// 2 head, 3 pair; anything else is refused.
    static func requested(by params: Parameters) throws -> SelectionMode {
        switch params.integer("interfaceCount") {
        case .absent, .value(1): return .single
        case .value(2): return .head
        case .value(3): return .pair
        default: throw APIError(400, "Parameter interfaceCount must be 1, 2 or 3.")
        }
    }
}

/// One chosen machine, or a chosen pair.
enum Choice: Sendable, Equatable {
    case node(Int64)
    case pair(head: Int64, tail: Int64)
}

/// Which nodes qualify for an interval and in which order (§5.6). Pure: works on a snapshot.
struct NodeSelection: Sendable {
    var snapshot: SchedulingSnapshot
    var policy: SchedulingPolicy
    var mode: SelectionMode
    /// The `nodetypes` filter; not used with a preselection.
    var filter: NodeFilter
    /// `-type:deployed`, added for untrusted images even with a preselection (§5.17).
    var trustedRegistryTerm: NodeFilter.Term?
    /// Node ids of the `nodes` option; nil without preselection.
    var preselection: [Int64]?

    /// Nodes that may ever be candidates, whatever their state (the set `M` of §5.4.2).
    func matchingNodes() -> [SchedulingSnapshot.Node] {
        let allowed = preselection.map(Set.init)
        return snapshot.nodes.filter { node in
            if let allowed { guard allowed.contains(node.id) else { return false } } else { guard filter.matches(node.tags) else { return false } }
            if let trustedRegistryTerm { return NodeFilter(terms: [trustedRegistryTerm]).matches(node.tags) }
            return true
        }
    }

    /// §5.6.2; the queue has no start yet and always uses the 48 h rule (§5.11.2).
    func isFresh(_ node: SchedulingSnapshot.Node, start: Int64, lpq: Bool = false) -> Bool {
        let now = snapshot.now
        if preselection != nil { return node.heartbeat > 0 }
        if !lpq, abs(start - now) < policy.immediateWindow { return node.heartbeat > now - policy.heartbeatMaxAgeImmediate }
        return node.heartbeat > now - policy.heartbeatMaxAge
    }

    func isBusy(_ nodeID: Int64, start: Int64, stop: Int64, tentative: [Int64: [Booking]]) -> Bool {
        let padding = policy.padding
        func overlaps(_ b: Booking) -> Bool { b.stop + padding >= start && b.start - padding <= stop }
        return (snapshot.bookings[nodeID] ?? []).contains(where: overlaps) || (tentative[nodeID] ?? []).contains(where: overlaps)
    }

    /// Every qualifying machine or pair for `[start, stop]`, best first. For the queue (`lpq`)
    /// maintenance windows and bookings do not matter and lightly queued nodes come first.
    func candidates(start: Int64, stop: Int64, tentative: [Int64: [Booking]] = [:], lpq: Bool = false) -> [Choice] {
        if !lpq, policy.maintenanceWindows.touch(start: start, stop: stop) { return [] }
        var nodes = matchingNodes().filter { node in
            node.status == .active
                && isFresh(node, start: start, lpq: lpq)
                && (lpq || !isBusy(node.id, start: start, stop: stop, tentative: tentative))
        }
        nodes.sort { a, b in
            if lpq, a.queuedTasks != b.queuedTasks { return a.queuedTasks < b.queuedTasks }
            if a.quotaRank != b.quotaRank { return a.quotaRank > b.quotaRank }
            if a.heartbeat != b.heartbeat { return a.heartbeat > b.heartbeat }
            return a.id < b.id
        }
        switch mode {
        case .preselection:
            return nodes.map { .node($0.id) }
        case .single:
            return nodes.filter { snapshot.tailOfHead[$0.id] == nil }.map { .node($0.id) }
        case .head:
            return nodes.filter { snapshot.headOfTail[$0.id] == nil }.map { .node($0.id) }
        case .pair:
            let ids = Set(nodes.map(\.id))
            return nodes.compactMap { node in
                guard let tail = snapshot.tailOfHead[node.id], ids.contains(tail) else { return nil }
                return .pair(head: node.id, tail: tail)
            }
        }
    }

    /// Interfaces a chosen machine brings (§5.12.2): 2 for a head, else 1; a pair 3.
    func interfaceWeight(_ choice: Choice) -> Int64 {
        switch choice {
        case .pair: return 3
        case .node(let id): return snapshot.tailOfHead[id] != nil ? 2 : 1
        }
    }
}

extension Choice {
    var machines: [Int64] {
        switch self {
        case .node(let id): return [id]
        case .pair(let head, let tail): return [head, tail]
        }
    }
}
