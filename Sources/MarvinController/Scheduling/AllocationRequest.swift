import MarvinCore

/// A `POST /v1/experiments` request after the checks that need no database (§5.1.1 #3–#15).
struct AllocationRequest: Sendable {
    var name: String
    var nodecount: Int64
    var nodetypes: String
    var scripts: [String]
    /// `0` = ASAP, `-1` = LPQ, anything else a fixed start.
    var start: Int64
    var duration: Int64
    var options: ExperimentOptions
    var validated: ExperimentOptions.Validated
    var mode: SelectionMode
    var filter: NodeFilter
    var trustedRegistryTerm: NodeFilter.Term?

    var isLPQ: Bool { start == -1 }
    var isASAP: Bool { start == 0 }
    var preselection: [Int64]? { validated.preselection.flatMap { $0.isEmpty ? nil : $0 } }
    /// Nodes or pairs wanted per interval.
    var need: Int { Int(mode == .pair ? nodecount / 2 : nodecount) }
    var unit: String { mode == .pair ? "node pairs" : "nodes" }

    static func sc2(_ reason: String) -> APIError { .allocation(reason, extras: ["code": "sc2"]) }

    init(params p: Parameters, fingerprint: String?, config: ControllerConfig) throws {
        let policy = config.policy
        let required = ["name", "nodecount", "nodetypes", "script"]
        guard required.allSatisfy(p.has) else {
            let provided = p.names.map { "'\($0)'" }.joined(separator: ", ")
            throw APIError(
                400,
                "Parameters missing (required: ['name', 'nodecount', 'nodetypes', 'script'] | optional: ['options', 'start', 'stop', 'duration'], provided: [\(provided)]).")
        }
        // #4 times and node count
        let timing = Self.sc2("Start time and duration must be in integer seconds (unix timestamps), nodecount an integer > 0")
        func integer(_ key: String, default value: Int64) throws -> Int64 {
            switch p.integer(key) {
            case .absent: return value
            case .value(let v): return v
            case .invalid: throw timing
            }
        }
        let start = try integer("start", default: 0)
        let stop = try integer("stop", default: 0)
        let duration = try integer("duration", default: stop &- start)
        guard case .value(let nodecount) = p.integer("nodecount"), nodecount > 0 else { throw timing }
        // #5 strings
        guard case .value(let name) = p.string("name", allowNumber: true) else { throw APIError(400, "Parameter name must be a string.") }
        guard case .value(let nodetypes) = p.string("nodetypes") else { throw APIError(400, "Parameter nodetypes must be a string.") }
        guard case .value(let script) = p.string("script") else { throw APIError(400, "Parameter script must be a string.") }
        // #6
        let requestedMode = try SelectionMode.requested(by: p)
        // #7
        let scripts = script.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard scripts.count <= 2 else { throw Self.sc2("Only two scripts allowed in script parameter") }
        // #8, #9
        let options: ExperimentOptions
        do { options = try ExperimentOptions(decoding: p.raw("options")) } catch {
            throw Self.sc2("options string could not be parsed. Expected a JSON object or key=value pairs separated by &.")
        }
        let validated: ExperimentOptions.Validated
        do { validated = try options.validate() } catch { throw APIError(400, error.message) }
        // #10 – #12
        if options.has("internal"), !(fingerprint.map(policy.internalFingerprints.contains) ?? false) {
            throw APIError.allocation("option internal not allowed")
        }
        if validated.storage > policy.maxStorage {
            throw APIError.allocation("Too much storage requested.", extras: ["max_storage": .int(policy.maxStorage), "requested": .int(validated.storage)])
        }
        if validated.traffic > policy.maxTraffic {
            throw APIError.allocation("Requested data quota too high.", extras: ["max_data": .int(policy.maxTraffic), "requested": .int(validated.traffic)])
        }
        let preselected = validated.preselection.map { !$0.isEmpty } ?? false
        // #13
        var filter = NodeFilter()
        if !preselected {
            do { filter = try NodeFilter(parsing: nodetypes) } catch { throw APIError(400, error.message) }
        }
        // #14, #15
        guard scripts.allSatisfy(ScriptURL.isWellFormed) else { throw APIError.allocation("Container URL contains invalid characters") }
        var trustedRegistryTerm: NodeFilter.Term?
        let deployed = NodeFilter.Tag(name: "type", value: "deployed")
        if !scripts.allSatisfy({ ScriptURL.isTrusted($0, registry: config.trustedRegistry) }) {
            if filter.requires(deployed) {
                throw APIError.allocation("Deployed nodes can only schedule experiments hosted by \(config.trustedRegistry)")
            }
            trustedRegistryTerm = NodeFilter.Term(negated: true, alternatives: [deployed])
        }

        let mode: SelectionMode
        if scripts.count == 2 {
            mode = .pair
        } else if preselected {
            mode = .preselection
        } else {
            mode = requestedMode
        }
        self.name = name
        self.nodecount = nodecount
        self.nodetypes = nodetypes
        self.scripts = mode == .pair && scripts.count == 1 ? [scripts[0], scripts[0]] : scripts
        self.start = start
        self.duration = duration
        self.options = options
        self.validated = validated
        self.mode = mode
        self.filter = filter
        self.trustedRegistryTerm = trustedRegistryTerm
    }

    /// §5.3.1 for the first interval of a fixed or ASAP request.
    static func checkTimes(start: Int64, duration: Int64, now: Int64, policy: SchedulingPolicy) throws {
        // `stop − start` is the duration: comparing it directly cannot overflow.
        if start < now + policy.leadTime {
            throw APIError.allocation("Tasks may not be scheduled immediately or in the past (\(policy.leadTime) second delay).")
        }
        if duration < policy.minRuntime { throw APIError.allocation("Tasks must run for a minimum of \(policy.minRuntime) seconds.") }
        if duration > policy.maxRuntime { throw APIError.allocation("Tasks may not run for more than \(policy.maxRuntime) seconds.") }
        if start > now + policy.horizon {
            throw APIError.allocation("Tasks may not run be scheduled more than \(policy.horizon) seconds in advance.")
        }
    }
}
