import Foundation
import MarvinCore
import MarvinNode
import Testing

/// marvind's side of the protocol against the real marvinctld binary over native mTLS
/// (node-runtime §4): identity check, heartbeats, the task definition fetch and report delivery
/// through the durable outbox.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct NodeSyncTests {
    @Test func heartbeatsAndReportsOverMutualTLS() async throws {
        let directory = try Integration.temporaryDirectory("node-sync")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try TestPKI(directory: directory)
        let node = try pki.issue("node17", subject: "/CN=node17")
        let alice = try pki.issue("alice", subject: "/CN=alice")
        let rogue = try pki.rogue("mallory")
        let ctld = try CtldProcess(directory: directory, yaml: pki.mutualTLSConfiguration + "\npolicy:\n  maintenance_windows: []")
        for (name, certificate, role) in [("Node 17", node.cert, "node"), ("alice", alice.cert, "user")] {
            let added = try ctld.command(["admin", "add-user", "--name", name, "--ssl", try pki.fingerprint(certificate), "--role", role])
            #expect(added.status == 0, "\(added.stderr)")
        }
        let registered = try ctld.command(["admin", "add-node", "--id", "17", "--hostname", "node17", "--interface", "iccid=8946000017,quota=1000"])
        #expect(registered.status == 0, "\(registered.stderr)")
        try ctld.start()
        defer { ctld.stop() }
        let curl = try Curl()
        let base = "https://localhost:\(ctld.port)/v1"
        try curl.waitUntilAnswering("https://localhost:\(ctld.port)/version", caFile: pki.caCertificate)

        var config = NodeConfig()
        config.nodeID = "17"
        config.restServer = base
        config.ssl.cert = node.cert
        config.ssl.key = node.key
        config.ssl.ca = pki.caCertificate
        let client = try ControllerClient(config: config)
        do {
            try await exchange(client, config: config, ctld: ctld, curl: curl, pki: pki, alice: alice, rogue: rogue, base: base, directory: directory)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// The conversation itself; the caller owns the client's shutdown.
    func exchange(
        _ client: ControllerClient, config: NodeConfig, ctld: CtldProcess, curl: Curl, pki: TestPKI, alice: (cert: String, key: String),
        rogue: (cert: String, key: String), base: String, directory: URL
    ) async throws {
        #expect(await client.identity() == .identified(name: "Node 17"))
        let first = await client.heartbeat(HeartbeatRequest(limit: 3, maintenance: false, knownTasks: [], interfaces: []), prefetch: 3)
        guard case .answered(let none, _, let hints) = first else {
            Issue.record("first heartbeat: \(first)")
            return
        }
        #expect(none.isEmpty)
        #expect(hints?.first?.iccid == "8946000017", "the first heartbeat after the ctld starts carries the quota hints")

        let submitted = try curl.request(
            "\(base)/experiments", method: "POST",
            data: #"{"name": "sync", "nodecount": 1, "nodetypes": "", "script": "registry.example.org/team/ping:1", "start": 0, "duration": 300, "options": {"_token": "s3cr3t"}}"#,
            certificate: alice, caFile: pki.caCertificate)
        #expect(submitted.status == 201, "\(submitted.body)")

        let second = await client.heartbeat(HeartbeatRequest(limit: 3, maintenance: false, knownTasks: [], interfaces: []), prefetch: 3)
        guard case .answered(let tasks, let rejected, _) = second, let task = tasks.first else {
            Issue.record("second heartbeat: \(second)")
            return
        }
        #expect(rejected.isEmpty)
        #expect(task.deploymentOptions["_token"] == "s3cr3t", "the node's private view carries hidden options")
        #expect(await client.script(experiment: task.expID, schedule: task.id) == "registry.example.org/team/ping:1")

        // Reports go through the durable outbox; the ctld's answers settle them.
        let store = try NodeStateStore(path: directory.appendingPathComponent("node/marvind.db").path)
        let outbox = Outbox(store: store)
        try outbox.status("deployed", for: task.id, at: 1.5, now: 1)
        try outbox.traffic(["deployment": 52_000_000, "results": 0, "interfaces": [:]], for: task.id, now: 2)
        try outbox.status("started", for: "999", at: 2, now: 2)
        for entry in try outbox.pending() {
            try outbox.settle(entry, await client.deliver(entry))
        }
        #expect(try outbox.pending().isEmpty, "delivered, or dropped for the unknown task")
        let stored = try curl.request("\(base)/schedules/\(task.id)", certificate: alice, caFile: pki.caCertificate)
        #expect(stored.json?["status"] == "deployed")
        #expect(stored.json?["report"] == ["deployment": 52_000_000, "results": 0])

        // A certificate from another CA never gets an answer.
        var rogueConfig = config
        rogueConfig.ssl.cert = rogue.cert
        rogueConfig.ssl.key = rogue.key
        let rogueClient = try ControllerClient(config: rogueConfig)
        let refused = await rogueClient.heartbeat(HeartbeatRequest(limit: 3, maintenance: false, knownTasks: [], interfaces: []), prefetch: 3)
        #expect(refused == .failed(.unavailable, retryAfter: nil))
        try await rogueClient.shutdown()
    }
}
