import Foundation
import MarvinCore
import Testing

/// The disk checks of a deploy (node-runtime §6.4, code 101) on small loop-mounted filesystems.
extension DockerNodeTests {
    /// Scenario 23: `status_directory` with 50 MB free and `storage: 100000000`: the results
    /// filesystem does not fit (`delayed; insufficient disk space`); once there is room (the
    /// spec enlarges the filesystem; here a 100 MB file is deleted), the task is `deployed` at
    /// its next attempt.
    @Test func scenario023_resultsDiskTooSmall() async throws {
        let bed = try Self.testbed("docker-small-results")
        defer { bed.close() }
        let results = try await LoopFilesystem(image: bed.path("results.img"), mountPoint: bed.path("results"), megabytes: 160)
        defer { results.unmount() }
        try await results.fill("ballast", megabytes: 100)
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(90)
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: start + 10, options: ["storage": 100_000_000]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["delayed", "deployed", "failed"], seconds: 30) == "delayed; insufficient disk space", "\(bed.daemonLog)")
        try FileManager.default.removeItem(atPath: bed.path("results/ballast"))
        #expect(try await bed.waitForStatus(schedid, ["deployed", "failed"], seconds: 30) == "deployed", "\(bed.daemonLog)")
    }

    /// Scenario 24: an engine whose data root has 2 MB more free space than
    /// `deploy.min_free_bytes`, and an image of 3 MB from a slow registry. The pull is
    /// cancelled when free space falls below the reserve (`delayed; insufficient disk space`),
    /// and later attempts start no pull while free space is below the remembered size plus the
    /// reserve.
    @Test func scenario024_diskRunsOutDuringThePull() async throws {
        _ = try DockerTestbed.require()
        let bed = try NodeTestbed("docker-small-engine")
        defer { bed.close() }
        let data = try await LoopFilesystem(image: bed.path("engine.img"), mountPoint: bed.path("engine-data"), megabytes: 200)
        defer { data.unmount() }
        let script = Integration.repositoryRoot.appendingPathComponent("scripts/docker-testbed.sh").path
        let engineDirectory = bed.path("engine")
        let started = try await Program.run("/bin/bash", [script, "engine", engineDirectory, data.mountPoint])
        defer { _ = try? Program.run("/bin/bash", [script, "stop-engine", engineDirectory]) }
        try #require(started.status == 0, "\(started.stderr)")
        let registry = try await SlowRegistry(directory: bed.directory, rate: 250_000)
        defer { registry.stop() }
        let reserve = data.freeBytes - 2_000_000
        try bed.writeConfig([
            "runtime": ["container": "docker"], "docker": ["socket": .string("\(engineDirectory)/docker.sock")],
            "results": ["mode": "loop"], "network": ["required": false, "container_mode": "none"],
            "deploy": ["retry_initial": 2, "min_free_bytes": .int(reserve)],
        ])
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(120)
        let schedid = try #require(try bed.submit(script: "\(registry.address)/marvin/experiment-big:1", start: start, stop: start + 10).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["delayed", "deployed", "failed"], seconds: 40) == "delayed; insufficient disk space", "\(bed.daemonLog)")
        // Several retries, each refused before it pulls.
        try await Task.sleep(nanoseconds: 10_000_000_000)
        let log = bed.deployLog(schedid)
        #expect(log.components(separatedBy: " pulling ").count == 2, "one pull: \(log)")
        #expect(log.contains("disk space ran out during the pull"), "\(log)")
        #expect(log.components(separatedBy: "for the image").count >= 3, "later attempts wait for the remembered size: \(log)")
    }

    /// Scenario 100: while marvind is stopped, the results filesystem of a running task is
    /// unmounted, an engine restart takes the container, and the disk is destroyed. The restarted
    /// marvind does not restart the run: `failed; results filesystem could not be mounted after
    /// restart`; the disk is kept and `marvind results list` shows it.
    @Test func scenario100_damagedResultsFilesystem() async throws {
        let bed = try Self.testbed("docker-damaged-results")
        defer { bed.close() }
        try await bed.startAndWaitForTheCtld()
        let start = NodeTestbed.inSeconds(20)
        let schedid = try #require(try bed.submit(script: Self.image, start: start, stop: start + 120, options: ["mode": "long"]).tasks.first)
        #expect(try await bed.waitForStatus(schedid, ["started"], seconds: 40) == "started", "\(bed.daemonLog)")
        #expect(bed.stopDaemon() == 0)
        let directory = bed.path("results/\(schedid)")
        let disk = bed.path("results/\(schedid).disk")
        let size = try #require((try FileManager.default.attributesOfItem(atPath: disk)[.size] as? NSNumber)?.intValue)
        #expect(try await Program.run("/bin/umount", ["-l", directory]).status == 0)
        try await DockerTestbed.restartEngine()
        // Every superblock gone: the whole disk overwritten with zeros, once the container (and
        // with it the filesystem's last mount) is gone, so nothing writes it back.
        let zeroed = try await Program.run("/bin/dd", ["if=/dev/zero", "of=\(disk)", "bs=4096", "count=\(size / 4096)", "conv=notrunc"])
        #expect(zeroed.status == 0, "\(zeroed.stderr)")
        try bed.startDaemon()
        let final = try await bed.waitForStatus(schedid, ["failed", "restarted", "stopped"], seconds: 60)
        #expect(final == "failed; results filesystem could not be mounted after restart", "\(bed.daemonLog)")
        #expect(FileManager.default.fileExists(atPath: disk), "the disk is kept")
        let listed = try await Program.run(bed.marvind, ["results", "list", "--json", "--config", bed.configPath])
        let entry = (try? JSONParser.parse(listed.stdout))?["results"]?.arrayValue?.first { $0["schedid"] == .string(schedid) }
        #expect(entry?["disk"] == .string(disk) && entry?["mounted"] == false, "\(listed.stdout)")
    }
}
