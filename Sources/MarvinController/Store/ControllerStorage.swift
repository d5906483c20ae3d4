import MarvinCore

/// The ctld's state behind one interface (§4.1): handlers and scheduling rules never see SQL,
/// so another backend can be added later. `SQLiteStorage` is the implementation. Every method
/// is one transaction; refusals are thrown as `APIError` with the protocol's status and text.
protocol ControllerStorage: Sendable {
    // MARK: Principals (§2.5.4, §3.3)

    /// The user holding a fingerprint, whatever its role; called on every request.
    func principal(fingerprint: String) throws -> UserRecord?
    func users() async throws -> [UserRecord]
    /// One user, after applying its due monthly resets.
    func user(id: Int64, now: Int64) async throws -> UserRecord?
    func createUser(_ user: UserRegistration.NewUser, now: Int64) async throws -> Int64
    /// The same, blocking: for the admin CLI.
    func createUserNow(_ user: UserRegistration.NewUser, now: Int64) throws -> Int64
    func updateUser(id: Int64, _ update: UserUpdate, now: Int64) async throws
    /// Sets the role to `invalid`; false when there is no such user.
    func invalidateUser(id: Int64) async throws -> Bool
    /// Tasks of the user's experiments placed in `[from, to]`, in the raw-join shape (§4.7).
    func userSchedules(id: Int64, from: Int64, to: Int64) async throws -> [JSONValue]
    /// Summaries of the user's experiments; nil when there is no such user.
    func userExperiments(id: Int64, showHidden: Bool) async throws -> [JSONValue]?
    func userJournal(id: Int64) async throws -> [JSONValue]

    // MARK: Nodes (§3.2)

    /// Node objects of all nodes that are not retired.
    func nodes() async throws -> [JSONValue]
    func node(id: Int64) async throws -> JSONValue?
    func nodeSchedules(id: Int64, from: Int64, to: Int64, privateView: Bool) async throws -> [JSONValue]
    func nodeExperiments(id: Int64) async throws -> [JSONValue]
    func nodeJournal(id: Int64) async throws -> [JSONValue]
    func interfaceJournal(node: Int64, iccid: String) async throws -> [JSONValue]
    func registerNode(_ node: NodeRegistration.Request, now: Int64) async throws
    /// The same, blocking: for the admin CLI.
    func registerNodeNow(_ node: NodeRegistration.Request, now: Int64) throws
    func change(node: Int64, _ change: NodeChange, now: Int64) async throws
    func retire(node: Int64, now: Int64) async throws -> (canceled: Int, aborted: Int)
    func heartbeat(_ report: HeartbeatReport) async throws -> HeartbeatAnswer

    // MARK: Experiments (§3.4, §5)

    func experiments(showHidden: Bool) async throws -> [JSONValue]
    func experiment(id: Int64) async throws -> JSONValue?
    /// The experiment with its task map, optionally reduced to one schedule id.
    func experimentSchedules(id: Int64, only: String?) async throws -> JSONValue?
    func allocate(_ request: AllocationRequest, owner: Int64, now: Int64, suffix: String, policy: SchedulingPolicy) async throws -> AllocationAnswer
    /// Moves the tasks of `from` into `into`; returns how many moved.
    func merge(into: Int64, from: Int64, caller: Int64, name: String?) async throws -> Int
    /// §6.4; nil when the experiment does not exist or is no longer active.
    func deleteExperiment(id: Int64, caller: UserRecord, now: Int64) async throws -> ExperimentDeletion?

    // MARK: Schedules (§3.5)

    /// Compact rows of the tasks placed in `[from, to]`.
    func scheduleList(from: Int64, to: Int64) async throws -> [JSONValue]
    /// One task with its traffic report; hidden options only for its own node.
    func schedule(id: String, viewer: UserRecord) async throws -> JSONValue?
    func updateSchedule(id: String, node: UserRecord, _ update: ScheduleUpdate, now: Int64) async throws
    func snapshot(now: Int64, bookingsFrom: Int64) async throws -> SchedulingSnapshot

    // MARK: Backend and housekeeping (§3.6, §5.16)

    func activity(now: Int64) async throws -> JSONValue
    /// Drops expired key records, then lists the public keys of the rest.
    func publicKeys(now: Int64) async throws -> [String]
    func applyDueResets(now: Int64) async throws
    func expireQueue(now: Int64) async throws
    func refundUnusedData(now: Int64, settings: ControllerConfig.QuotaSettings) async throws
    func deleteExpiredKeys(now: Int64) async throws
    /// Nodes per status and tasks per status code, for the metrics.
    func statusCounts() async throws -> (nodes: [String: Int64], tasks: [String: Int64])
}

/// What `PUT /v1/users/{id}` changes; quotas in the journal order of §3.3.
struct UserUpdate: Sendable {
    var fingerprint: String?
    var role: Role?
    /// (quota, monthly reset value?, amount)
    var quotas: [(kind: QuotaKind, monthly: Bool, value: Int64)] = []
}

/// An administration of `PUT /v1/resources/{id}` (§3.2 b).
enum NodeChange: Sendable {
    /// `pair=<tail>`, or `pair=delete` with nil.
    case pair(tail: String)
    /// `type=`: the whole tag set, in the text form; parsed once the node is known (§3.2).
    case tags(text: String)
    case interfaceQuota(iccid: String, bytes: Int64)
    case status(NodeStatus)
    case hostname(String)
    case interfaces([InterfaceSpec])
}

/// A node's heartbeat (§7.1) after parameter parsing.
struct HeartbeatReport: Sendable {
    var node: Int64
    var maintenance: Bool
    var interfaces: [[String: JSONValue]]
    var limit: Int64
    var knownTasks: Set<String>?
    /// The first invalid parameter: answered only after the node is known to exist (§7.2).
    var problem: APIError?
    var sendInterfaceList: Bool
    var now: Int64
    var prefetchWindow: Int64
    var policy: SchedulingPolicy
}

/// A node's report on one of its tasks (§6.2, §5.14).
enum ScheduleUpdate: Sendable {
    case status(String)
    case traffic(JSONValue)
    /// Neither parameter: refused once the task and its node are known (§3.5).
    case neither
}

/// What `DELETE /v1/experiments/{id}` did (§6.4).
enum ExperimentDeletion: Sendable {
    case deleted
    case archived
    case withdrawn(canceled: Int, aborted: Int)
}
