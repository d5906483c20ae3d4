import ArgumentParser
import Foundation
import MarvinCLI
import MarvinCore

/// `marvin submit`: schedules an experiment (ctld-protocol §3.4 `POST /v1/experiments`).
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Schedule an experiment on one or more nodes.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "A name for the experiment.") var name: String
    @Option(help: "The container image, or two separated by | for a node pair.") var script: String
    @Option(help: "How many nodes (a pair counts 2).") var nodecount: Int64 = 1
    @Option(help: "Node filter, e.g. 'type:deployed,country:se' (empty: any).") var nodetypes = ""
    @Option(help: "Seconds the experiment runs.") var duration: Int64?
    @Option(help: "Start: Unix seconds, 2026-12-02T10:00:00Z or +600 (seconds from now).") var start: String?
    @Option(help: "Stop, as --start; instead of --duration.") var stop: String?
    @Flag(help: "Start as soon as possible.") var asap = false
    @Flag(help: "Queue for the first availability (runs once nodes are free).") var firstAvailable = false
    @Option(help: "Preselected node ids, comma-separated (--nodetypes is then ignored).") var nodes: String?
    @Option(help: "Interfaces each node needs: 1, 2 or 3.") var interfaceCount: Int64 = 1
    @Option(help: "Repeat every this many seconds (a multiple of 1200) ...") var period: Int64?
    @Option(help: "... until this time (as --start).") var until: String?
    @Option(name: .customLong("option"), help: "An option key=value (JSON values allowed); repeatable.") var options: [String] = []
    @Option(name: .customLong("hidden"), help: "A hidden option key=value, seen only by the experiment (stored as _key); repeatable.")
    var hiddenOptions: [String] = []

    func request() throws -> ExperimentRequest {
        do {
            let timing: ExperimentRequest.Timing
            let stopTime = try stop.map { try CLITime.parse($0) }
            let startTime = try start.map { try CLITime.parse($0) }
            let modes = [asap, firstAvailable, startTime != nil].filter { $0 }.count
            guard modes == 1 else { throw Failure.usage("give exactly one of --start, --asap and --first-available") }
            if let startTime {
                guard let length = duration ?? stopTime.map({ $0 - startTime }) else { throw Failure.usage("give --duration or --stop") }
                timing = .fixed(start: startTime, duration: length)
            } else {
                guard let duration else { throw Failure.usage("give --duration with --asap or --first-available") }
                timing = asap ? .asap(duration: duration) : .firstAvailable(duration: duration)
            }
            var request = ExperimentRequest(name: name, script: script, timing: timing)
            request.nodecount = nodecount
            request.nodetypes = nodetypes
            request.interfaceCount = interfaceCount
            if let nodes {
                let ids = nodes.split(separator: ",").map { Int64($0.trimmingCharacters(in: .whitespaces)) }
                guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else { throw Failure.usage("--nodes must be node ids separated by commas") }
                request.nodes = ids.compactMap { $0 }
            }
            switch (period, until) {
            case (let period?, let until?): request.recurrence = (period, try CLITime.parse(until))
            case (nil, nil): break
            default: throw Failure.usage("--period and --until go together")
            }
            for text in options {
                let option = try ExperimentRequest.option(text)
                request.options[option.key] = option.value
            }
            for text in hiddenOptions {
                let option = try ExperimentRequest.option(text)
                request.options[option.key.hasPrefix("_") ? option.key : "_" + option.key] = option.value
            }
            return request
        } catch let invalid as CLITime.Invalid {
            throw Failure.usage(invalid.description)
        } catch let invalid as ExperimentRequest.Invalid {
            throw Failure.usage(invalid.description)
        }
    }

    func run() async throws {
        let body = try request().body
        try await connection.withConnection { ctld in
            let answer = try await ctld.call(.POST, "/experiments", body: body)
            connection.output(answer) {
                "experiment \(answer["experiment"]?.cell ?? "?"): \(answer["intervals"]?.cell ?? "?") interval(s) on "
                    + "\(answer["nodecount"]?.cell ?? "?") node(s). \(answer["message"]?.stringValue ?? "")"
            }
        }
    }
}

/// `marvin find`: free slots (`GET /v1/schedules/find`).
struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Find time slots where nodes are free.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "How many nodes.") var nodecount: Int64 = 1
    @Option(help: "Seconds needed.") var duration: Int64 = 300
    @Option(help: "Earliest start (as submit --start); default now.") var start: String?
    @Option(help: "Node filter.") var nodetypes = ""
    @Option(help: "Preselected node ids, comma-separated.") var nodes: String?
    @Option(help: "Interfaces each node needs: 1, 2 or 3.") var interfaceCount: Int64 = 1
    @Option(help: "How many slots to list.") var results: Int64 = 5

    func run() async throws {
        var query = [("nodecount", String(nodecount)), ("duration", String(duration)), ("nodetypes", nodetypes),
                     ("interfaceCount", String(interfaceCount)), ("results", String(results))]
        if let start {
            do {
                query.append(("start", String(try CLITime.parse(start))))
            } catch {
                throw Failure.usage(error.description)
            }
        }
        if let nodes { query.append(("nodes", nodes)) }
        try await connection.withConnection { ctld in
            let slots = try await ctld.call(.GET, "/schedules/find", query: query)
            connection.output(slots) {
                var table = TextTable("START", "STOP", "NODES", "AT MOST", "UNTIL AT MOST", "NODETYPES")
                for slot in slots.arrayValue ?? [] {
                    table.add(CLITime.show(slot["start"]?.integerValue), CLITime.show(slot["stop"]?.integerValue), slot["nodecount"]?.cell ?? "-",
                              slot["max_nodecount"]?.cell ?? "-", CLITime.show(slot["max_stop"]?.integerValue), slot["nodetypes"]?.cell ?? "-")
                }
                return table.rendered
            }
        }
    }
}

/// `marvin list`: experiments (`GET /v1/experiments`).
struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the active experiments (all of them with --all).")

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Also archived, expired and merged experiments.") var all = false

    func run() async throws {
        try await connection.withConnection { ctld in
            let experiments = try await ctld.call(.GET, "/experiments", query: all ? [("showHidden", "1")] : [])
            connection.output(experiments) {
                var table = TextTable("ID", "NAME", "OWNER", "STATUS", "START", "STOP", "TASKS", "SCRIPT")
                for experiment in experiments.arrayValue ?? [] {
                    let summary = (experiment["summary"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.cell)" }
                    table.add(experiment["id"]?.cell ?? "-", experiment["name"]?.cell ?? "-", experiment["ownerid"]?.cell ?? "-",
                              experiment["status"]?.cell ?? "-", CLITime.show(experiment["start"]?.integerValue),
                              CLITime.show(experiment["stop"]?.integerValue), summary.joined(separator: ", "), experiment["script"]?.cell ?? "-")
                }
                return table.rendered
            }
        }
    }
}

/// `marvin show`: one experiment with each task's status (`GET /v1/experiments/{id}/schedules`).
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show an experiment and the status of each of its tasks.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The experiment id.") var experiment: Int64

    func run() async throws {
        try await connection.withConnection { ctld in
            let shown = try await ctld.call(.GET, "/experiments/\(experiment)/schedules")
            connection.output(shown) {
                var lines = [
                    "experiment \(shown["id"]?.cell ?? "?") \"\(shown["name"]?.stringValue ?? "")\" of user \(shown["ownerid"]?.cell ?? "?"): \(shown["status"]?.cell ?? "?")",
                    "script \(shown["script"]?.cell ?? "-"), options \(shown["options"].map { JSONWriter.write($0, pretty: false) } ?? "{}")",
                ]
                var table = TextTable("TASK", "NODE", "START", "STOP", "STATUS")
                let tasks = (shown["schedules"]?.objectValue ?? [:]).sorted { (Int64($0.key) ?? 0, $0.key) < (Int64($1.key) ?? 0, $1.key) }
                for (id, task) in tasks {
                    // A task still in the first-availability queue has no start yet.
                    let queued = task["start"]?.integerValue == -1
                    table.add(id, task["nodeid"]?.cell ?? "-", queued ? "queued" : CLITime.show(task["start"]?.integerValue),
                              queued ? "-" : CLITime.show(task["stop"]?.integerValue), task["status"]?.cell ?? "-")
                }
                lines.append(table.rendered)
                return lines.joined(separator: "\n")
            }
        }
    }
}

/// `marvin delete`: cancels, aborts or archives an experiment (`DELETE /v1/experiments/{id}`).
struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel or abort an experiment's tasks (archive it when all are over).")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The experiment id.") var experiment: Int64

    func run() async throws {
        try await connection.request(.DELETE, "/experiments/\(experiment)")
    }
}

/// `marvin results`: where a task's results are and how large (`GET /v1/schedules/{id}`).
struct Results: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Say where a task's results are and how large they are.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The task (schedule) id.") var task: String

    func run() async throws {
        let repository = try? connection.configuration().resultsRepository
        try await connection.withConnection { ctld in
            let shown = try await ctld.call(.GET, "/schedules/\(task)")
            connection.output(shown) {
                let bytes = shown["report"]?["results"]?.integerValue
                let place = repository.map { "\($0.hasSuffix("/") ? $0 : $0 + "/")\(task)/" } ?? "the results repository, directory \(task)/"
                return "task \(task) on node \(shown["nodeid"]?.cell ?? "?"): \(shown["status"]?.cell ?? "?")\n"
                    + "results: \(bytes.map { "\($0) bytes" } ?? "no size reported yet"), in \(place) once the node has synced them"
            }
        }
    }
}
