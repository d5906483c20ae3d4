// The sample experiment of `marvin dev`: what a MONROE experiment does, small. It reads
// /monroe/config, subscribes to the metadata bus, keeps every message it receives in its
// results and ends with a summary. Options (from the config): `metadata_endpoint` (default
// the node's bus, tcp://172.17.0.1:5556) and `sample_seconds` (how long to listen, default 30).
// Exit 0 when metadata arrived, 1 when none did or the config cannot be read; SIGTERM ends the
// listening early and still writes the summary.
import Foundation
import MarvinCore
import MarvinMetadata

nonisolated(unsafe) var stopRequested: sig_atomic_t = 0
signal(SIGTERM) { _ in stopRequested = 1 }

/// A line on stdout, written at once: the node keeps it in container.log with its time.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sample experiment: \(message)\n".utf8))
    exit(1)
}

let environment = ProcessInfo.processInfo.environment
// The process runtime of a development node names the files in the environment (§7.12).
let configPath = environment["MONROE_CONFIG"] ?? "/monroe/config"
let resultsPath = environment["MONROE_RESULTS"] ?? "/monroe/results"
guard let configText = try? String(contentsOfFile: configPath, encoding: .utf8),
      let config = (try? JSONParser.parse(configText))?.objectValue else {
    fail("cannot read \(configPath) as a JSON object")
}
let endpoint = config["metadata_endpoint"]?.stringValue ?? "tcp://172.17.0.1:5556"
let seconds = config["sample_seconds"]?.integerValue ?? 30
say("node \(config["nodeid"]?.stringValue ?? "?"), guid \(config["guid"]?.stringValue ?? "?")")
say("listening to \(endpoint) for \(seconds) s")

let bus: ZeroMQSocket
do {
    bus = try ZeroMQSocket.subscriber(connect: endpoint, prefix: "MONROE.META")
} catch {
    fail("\(error)")
}
_ = FileManager.default.createFile(atPath: "\(resultsPath)/metadata.txt", contents: nil)
guard let log = FileHandle(forWritingAtPath: "\(resultsPath)/metadata.txt") else { fail("cannot write \(resultsPath)/metadata.txt") }

var topics: [String: Int64] = [:]
var received: Int64 = 0
let deadline = Date().addingTimeInterval(Double(seconds))
var nextProgress = Date().addingTimeInterval(5)
while stopRequested == 0, Date() < deadline {
    let frame: String?
    do { frame = try bus.receive(waitingAtMost: 200) } catch { fail("\(error)") }
    if let frame {
        received += 1
        topics[String(frame.prefix { $0 != " " }), default: 0] += 1
        log.write(Data((frame + "\n").utf8))
    }
    if Date() >= nextProgress {
        say("\(received) metadata messages so far")
        nextProgress = nextProgress.addingTimeInterval(5)
    }
}
try? log.close()

let summary: JSONValue = [
    "nodeid": config["nodeid"] ?? .null, "guid": config["guid"] ?? .null, "endpoint": .string(endpoint),
    "messages": .int(received), "topics": .object(topics.mapValues { .int($0) }),
]
do {
    try (JSONWriter.write(summary) + "\n").write(toFile: "\(resultsPath)/summary.json", atomically: true, encoding: .utf8)
} catch {
    fail("cannot write \(resultsPath)/summary.json: \(error)")
}
say("\(received) metadata messages in \(topics.count) topics; summary in summary.json")
if received == 0 { fail("no metadata arrived from \(endpoint)") }
