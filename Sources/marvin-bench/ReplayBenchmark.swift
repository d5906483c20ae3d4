import ArgumentParser
import Foundation
import MarvinCore
import MarvinMetadata

/// `marvin-bench replay`: how close to its due time each replayed metadata message arrives at a
/// subscriber (node-runtime §13.4: within 50 ms, no drift over the file). The replay publishes
/// on a loopback PUB socket; a SUB socket on a thread of its own notes each arrival on the
/// monotonic clock.
struct ReplayBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Benchmark the metadata replay: arrival time against due time, and drift over the file.")

    @Option(help: "The recording (default: the shipped sample).") var recording = "files/metadata/sample-recording.txt"
    @Option(help: "Time scale of the replay.") var speed = 6.0

    static let target = 50.0

    func run() async throws {
        let recorded = try MetadataRecording(text: String(contentsOfFile: recording, encoding: .utf8))
        let replay = MetadataReplay(recording: recorded, settings: .init(speed: speed, loop: false))
        let due = replay.schedule
        let publisher = try ZeroMQSocket.publisher(bind: "tcp://127.0.0.1:*")
        let subscriber = try ZeroMQSocket.subscriber(connect: publisher.boundEndpoint ?? "")
        print("marvin-bench replay: \(due.count) messages of \(recording) at speed \(speed) (\(String(format: "%.0f", due.last ?? 0)) s)")
        print("machine: \(Machine.cores) CPUs (nproc), \(Machine.cpuModel); build configuration: \(Machine.buildConfiguration)")
        // The subscription reaches the publisher a moment after connecting.
        try await Task.sleep(nanoseconds: 500_000_000)

        // Due times count from here; the replay takes its own start microseconds later.
        let arrivals = Arrivals(start: .now)
        Thread { arrivals.listen(subscriber) }.start()
        try await replay.run(publish: { try publisher.send($0) })
        try await Task.sleep(nanoseconds: 1_000_000_000)
        arrivals.stop()

        var lateness = LatencySample()
        var first: Double?
        var last: Double?
        for (sequence, arrived) in arrivals.received where sequence >= 1 && sequence <= due.count {
            let error = arrived - due[sequence - 1]
            lateness.record(.nanoseconds(Int64(max(0, error) * 1e9)))
            if first == nil { first = error }
            last = error
        }
        var table = FiguresTable()
        table.add("messages received", "\(lateness.count) of \(due.count)")
        table.add("arrival after due time, p50", milliseconds(lateness.percentile(50)))
        table.add("arrival after due time, p99", milliseconds(lateness.percentile(99)), target: "≤ 50 ms", met: (lateness.percentile(99) ?? .infinity) <= Self.target)
        table.add("arrival after due time, max", milliseconds(lateness.maximum), target: "≤ 50 ms", met: (lateness.maximum ?? .infinity) <= Self.target)
        table.add("drift (last message's error − first's)", milliseconds(first.flatMap { f in last.map { ($0 - f) * 1000 } }))
        print(table.render())
    }
}

/// Arrival times (seconds after the replay's start) by sequence number.
final class Arrivals: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [(Int, Double)] = []
    private var listening = true
    let start: ContinuousClock.Instant

    init(start: ContinuousClock.Instant) {
        self.start = start
    }

    var received: [(Int, Double)] { lock.withLock { times } }

    func listen(_ subscriber: ZeroMQSocket) {
        while lock.withLock({ listening }) {
            guard let frame = try? subscriber.receive(waitingAtMost: 100) else { continue }
            let arrived = (ContinuousClock.now - start).inSeconds
            let body = frame.split(separator: " ", maxSplits: 1).last.flatMap { try? JSONParser.parse(String($0)) }
            if let sequence = body?["SequenceNumber"]?.integerValue { lock.withLock { times.append((Int(sequence), arrived)) } }
        }
    }

    func stop() { lock.withLock { listening = false } }
}
