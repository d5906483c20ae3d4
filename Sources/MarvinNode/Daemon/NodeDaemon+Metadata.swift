import Foundation
import MarvinMetadata

extension NodeDaemon {
    /// A development node's metadata bus (node-runtime §13.2, §13.4): binds `metadata.publish`,
    /// retried every second until the address exists, publishes the node events on it and
    /// replays `metadata.replay.file` until the daemon stops. A recording that cannot be read is
    /// named in the log and not replayed.
    func metadataLoop() async {
        let endpoint = config.metadata.publish
        guard !endpoint.isEmpty else { return }
        let recording = config.metadata.replayFile.flatMap(readRecording)
        var publisher: ZeroMQSocket?
        var warned = false
        while publisher == nil {
            do {
                publisher = try ZeroMQSocket.publisher(bind: endpoint)
            } catch {
                if !warned { logger.warning("metadata bus: \(error); retrying every second") }
                warned = true
                do { try await Task.sleep(nanoseconds: 1_000_000_000) } catch { return }
            }
        }
        guard let publisher else { return }
        events.attach(bus: publisher)
        guard let recording, let file = config.metadata.replayFile else { return logger.info("metadata bus on \(endpoint): node events only") }
        logger.info("metadata replay: \(recording.messages.count) messages of \(file) on \(endpoint)")
        viewUpdate { $0.metadataReplaying = true }
        let settings = MetadataReplay.Settings(speed: config.metadata.replaySpeed, loop: config.metadata.replayLoop,
                                               maxGap: config.metadata.replayMaxGap, interfaceMap: config.metadata.replayInterfaceMap)
        do {
            try await MetadataReplay(recording: recording, settings: settings).run(
                publish: { [events] in try events.publish($0) },
                published: { count in
                    viewUpdate { $0.metadataMessages = count }
                    // status.json follows the count without a file write per message.
                    if count % 10 == 0 { publish() }
                })
        } catch is CancellationError {
        } catch {
            logger.error("metadata replay stopped: \(error)")
        }
        viewUpdate { $0.metadataReplaying = false }
        publish()
    }

    private func readRecording(_ file: String) -> MetadataRecording? {
        do {
            return try MetadataRecording(text: String(contentsOfFile: file, encoding: .utf8))
        } catch let failure as MetadataRecording.Failure {
            logger.error("metadata replay: \(file), \(failure)")
        } catch {
            logger.error("metadata replay: cannot read \(file)")
        }
        return nil
    }
}
