import ArgumentParser
import Foundation
import MarvinCLI
import MarvinCore

/// `marvin users …`: the ctld's principals (ctld-protocol §3.3); admins only, except `list`.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list, change the quotas of, and invalidate users.", subcommands: [Add.self, List.self, Quota.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user, node or admin principal.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The principal's name (a node's is 'Node <id>').") var name: String
        @Option(help: "SHA-1 fingerprint of its client certificate, 40 hex digits.") var ssl: String
        @Option(help: "user, node or admin.") var role: String
        @Option(help: "Its project.") var project = ""

        func run() async throws {
            try await connection.request(.POST, "/users", body: ["name": .string(name), "ssl": .string(ssl), "role": .string(role), "project": .string(project)])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every principal with its quotas.")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            try await connection.withConnection { ctld in
                let users = try await ctld.call(.GET, "/users")
                connection.output(users) {
                    var table = TextTable("ID", "NAME", "PROJECT", "ROLE", "TIME (s)", "DATA (B)", "STORAGE (B)")
                    for user in users.arrayValue ?? [] {
                        table.add(user["id"]?.cell ?? "-", user["name"]?.cell ?? "-", user["project"]?.cell ?? "-", user["role"]?.cell ?? "-",
                                  user["quota_time"]?.cell ?? "-", user["quota_data"]?.cell ?? "-", user["quota_storage"]?.cell ?? "-")
                    }
                    return table.rendered
                }
            }
        }
    }

    struct Quota: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's current quotas or their monthly reset values.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user id.") var user: Int64
        @Option(help: "Node-seconds left.") var time: Int64?
        @Option(help: "Bytes of traffic left.") var data: Int64?
        @Option(help: "Bytes of storage left.") var storage: Int64?
        @Option(help: "Node-seconds each month.") var timeReset: Int64?
        @Option(help: "Bytes of traffic each month.") var dataReset: Int64?
        @Option(help: "Bytes of storage each month.") var storageReset: Int64?

        func run() async throws {
            let given: [(String, Int64?)] = [("time", time), ("data", data), ("storage", storage), ("time_reset", timeReset),
                                              ("data_reset", dataReset), ("storage_reset", storageReset)]
            let body = Dictionary(uniqueKeysWithValues: given.compactMap { name, value in value.map { (name, JSONValue.int($0)) } })
            guard !body.isEmpty else { throw Failure.usage("give at least one of --time, --data, --storage, --time-reset, --data-reset, --storage-reset") }
            try await connection.request(.PUT, "/users/\(user)", body: .object(body))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Invalidate a user's certificate (experiments stay).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The user id.") var user: Int64

        func run() async throws {
            try await connection.request(.DELETE, "/users/\(user)")
        }
    }
}

/// `marvin nodes …`: the measurement nodes (ctld-protocol §3.2); admins only, except `list`.
struct Nodes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register, list, tag, pair, disable, enable and retire nodes.",
        subcommands: [Add.self, List.self, Tag.self, Pair.self, Disable.self, Enable.self, Retire.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a node.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The node id.") var id: Int64
        @Option(help: "Its hostname.") var hostname: String
        @Option(help: "A tag tag:value, e.g. country:se; repeatable.") var tag: [String] = []
        @Option(help: "A modem: iccid=…[,imei=…][,mccmnc=…][,operator=…][,quota=<bytes>]; repeatable.") var interface: [String] = []
        @Flag(help: "Register it disabled.") var disabled = false

        func run() async throws {
            var interfaces: [JSONValue] = []
            for text in interface {
                var object: [String: JSONValue] = [:]
                for pair in text.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw Failure.usage("--interface \(text): expected key=value pairs separated by commas") }
                    object[parts[0]] = parts[0] == "quota" ? Int64(parts[1]).map(JSONValue.int) ?? .string(parts[1]) : .string(parts[1])
                }
                interfaces.append(.object(object))
            }
            var body: [String: JSONValue] = ["id": .int(id), "hostname": .string(hostname), "interfaces": .array(interfaces),
                                             "status": disabled ? "disabled" : "active"]
            if !tag.isEmpty { body["tags"] = .string(tag.joined(separator: ",")) }
            try await connection.request(.POST, "/resources", body: .object(body))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the nodes that are not retired.")
        @OptionGroup var connection: ConnectionOptions

        /// Keys of the node object that are not tags (§4.3).
        static let fields: Set<String> = ["id", "hostname", "status", "heartbeat", "interfaces"]

        func run() async throws {
            try await connection.withConnection { ctld in
                let nodes = try await ctld.call(.GET, "/resources")
                connection.output(nodes) {
                    var table = TextTable("ID", "HOSTNAME", "STATUS", "LAST HEARTBEAT", "INTERFACES", "TAGS")
                    for node in nodes.arrayValue ?? [] {
                        let tags = (node.objectValue ?? [:]).filter { !Self.fields.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.cell)" }
                        let heartbeat = node["heartbeat"]?.integerValue
                        let interfaces = (node["interfaces"]?.arrayValue ?? []).filter { $0["status"] == "current" }.compactMap { $0["iccid"]?.stringValue }
                        table.add(node["id"]?.cell ?? "-", node["hostname"]?.cell ?? "-", node["status"]?.cell ?? "-",
                                  heartbeat == 0 ? "never" : CLITime.show(heartbeat), interfaces.isEmpty ? "-" : interfaces.joined(separator: ","),
                                  tags.joined(separator: ","))
                    }
                    return table.rendered
                }
            }
        }
    }

    struct Tag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace all tags of a node (none: remove them).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The node id.") var node: Int64
        @Argument(help: "Its tags, tag:value each.") var tags: [String] = []

        func run() async throws { try await connection.request(.PUT, "/resources/\(node)", body: ["type": .string(tags.joined(separator: ","))]) }
    }

    struct Pair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pair a head node with a tail node, or remove a node's pair.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The head node id.") var head: Int64
        @Argument(help: "The tail node id.") var tail: Int64?
        @Flag(help: "Remove every pair the node is in.") var delete = false

        func validate() throws {
            guard (tail == nil) == delete else { throw ValidationError("give a tail node id, or --delete") }
        }

        func run() async throws {
            try await connection.request(.PUT, "/resources/\(head)", body: ["pair": .string(tail.map(String.init) ?? "delete")])
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a node out of scheduling.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The node id.") var node: Int64

        func run() async throws { try await connection.request(.PUT, "/resources/\(node)", body: ["status": "disabled"]) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a node (back) into scheduling; also reinstates a retired one.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The node id.") var node: Int64

        func run() async throws { try await connection.request(.PUT, "/resources/\(node)", body: ["status": "active"]) }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire a node: its future tasks are canceled, running ones aborted.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The node id.") var node: Int64

        func run() async throws {
            try await connection.withConnection { ctld in
                let answer = try await ctld.call(.DELETE, "/resources/\(node)")
                connection.output(answer) {
                    "\(answer["message"]?.stringValue ?? "retired") \(answer["canceled"]?.cell ?? "0") task(s) canceled, \(answer["aborted"]?.cell ?? "0") aborted."
                }
            }
        }
    }
}
