import Foundation
import MarvinCore
import Testing

/// The `marvin` command line against the real marvinctld over mTLS: each experimenter
/// command, its table and `--json` forms, and its errors — the ctld's message with exit 1,
/// settings problems with exit 2, no answer with exit 3.
@Suite(.enabled(if: Integration.enabled("openssl", "curl")))
struct MarvinCommandTests {
    /// A ctld with node 48 and the experimenter alice, and `marvin` configured for alice
    /// through a settings file in a temporary home.
    final class Bed {
        let directory: URL
        let pki: TestPKI
        let ctld: CtldProcess
        let alice: (cert: String, key: String)
        let admin: (cert: String, key: String)
        let marvin: String
        let home: String

        init(_ name: String) throws {
            directory = try Integration.temporaryDirectory(name)
            pki = try TestPKI(directory: directory)
            alice = try pki.issue("alice", subject: "/CN=alice")
            admin = try pki.issue("admin", subject: "/CN=admin")
            ctld = try CtldProcess(directory: directory, yaml: pki.mutualTLSConfiguration + "\npolicy:\n  maintenance_windows: []\n  lead_time: 1")
            let node = try pki.issue("node48", subject: "/CN=node48")
            for (name, certificate, role) in [("alice", alice.cert, "user"), ("root", admin.cert, "admin"), ("Node 48", node.cert, "node")] {
                let added = try ctld.command(["admin", "add-user", "--name", name, "--ssl", try pki.fingerprint(certificate), "--role", role])
                guard added.status == 0 else { throw TestPKI.Failure(description: added.stderr) }
            }
            let registered = try ctld.command(["admin", "add-node", "--id", "48", "--hostname", "node48", "--tag", "type:testing",
                                               "--interface", "iccid=8946000048,quota=100000000"])
            guard registered.status == 0 else { throw TestPKI.Failure(description: registered.stderr) }
            try ctld.start()
            let curl = try Curl()
            try curl.waitUntilAnswering("https://localhost:\(ctld.port)/version", caFile: pki.caCertificate)
            // One heartbeat: only a node heard from recently is scheduled (ctld-protocol §5.6.2).
            let heartbeat = try curl.request("https://localhost:\(ctld.port)/v1/resources/48", method: "PUT", data: "limit=3&maintenance=0",
                                             certificate: node, caFile: pki.caCertificate)
            guard heartbeat.status == 200 else { throw TestPKI.Failure(description: "heartbeat: \(heartbeat.status) \(heartbeat.body)") }
            marvin = try Integration.productPath("marvin")
            home = directory.appendingPathComponent("home").path
            try FileManager.default.createDirectory(atPath: "\(home)/.config/marvin", withIntermediateDirectories: true)
            try """
                url: https://localhost:\(ctld.port)/v1
                cert: \(alice.cert)
                key: \(alice.key)
                ca: \(pki.caCertificate)
                results_repository: repo.example.org:/experiments

                """.write(toFile: "\(home)/.config/marvin/config.yaml", atomically: true, encoding: .utf8)
        }

        /// `marvin` with the settings file (HOME) and nothing from the test's environment.
        func run(_ arguments: String..., environment: [String: String] = [:]) async throws -> ProgramResult {
            try await Program.run(marvin, arguments, environment: ["HOME": home, "PATH": "/usr/bin:/bin"].merging(environment) { $1 })
        }

        func close() {
            _ = ctld.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func experimenterCommands() async throws {
        let bed = try Bed("marvin-cli")
        defer { bed.close() }

        let found = try await bed.run("find", "--duration", "600", "--nodetypes", "type:testing", "--results", "2")
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.hasPrefix("START") && found.stdout.contains("type:testing"), "\(found.stdout)")

        let submitted = try await bed.run("submit", "--name", "ping test", "--script", "registry.example.org/ping:1", "--start", "+600",
                                          "--duration", "300", "--option", "storage=20000000", "--hidden", "token=s3cr3t", "--json")
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let experiment = try #require(try JSONParser.parse(submitted.stdout)["experiment"]?.integerValue, "\(submitted.stdout)")

        let listed = try await bed.run("list")
        let row = listed.stdout.split(separator: "\n").first { $0.hasPrefix("\(experiment) ") }
        #expect(row?.contains("ping test") == true && row?.contains("registry.example.org/ping:1") == true, "\(listed.stdout)")
        let listedJSON = try JSONParser.parse(try await bed.run("list", "--json").stdout)
        #expect(listedJSON.arrayValue?.first?["id"] == .int(experiment))

        let shown = try await bed.run("show", String(experiment))
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("\"ping test\"") && shown.stdout.contains("defined"), "\(shown.stdout)")
        #expect(!shown.stdout.contains("s3cr3t"), "hidden options stay hidden")
        let task = try #require(try JSONParser.parse(try await bed.run("show", String(experiment), "--json").stdout)["schedules"]?.objectValue?.keys.first)
        let taskLine = shown.stdout.split(separator: "\n").first { $0.hasPrefix("\(task) ") }
        #expect(taskLine?.contains(" 48 ") == true, "\(shown.stdout)")

        let results = try await bed.run("results", task)
        #expect(results.status == 0, "\(results.stderr)")
        #expect(results.stdout.contains("task \(task) on node 48: defined"), "\(results.stdout)")
        #expect(results.stdout.contains("repo.example.org:/experiments/\(task)/"), "\(results.stdout)")

        let deleted = try await bed.run("delete", String(experiment))
        #expect(deleted.status == 0 && deleted.stdout.contains("Ok. Deleted experiment and scheduling entries"), "\(deleted.stdout)\(deleted.stderr)")
    }

    @Test func errorsNameTheirCause() async throws {
        let bed = try Bed("marvin-cli-errors")
        defer { bed.close() }
        // Refused by the ctld: its message, exit 1.
        let badFilter = try await bed.run("submit", "--name", "x", "--script", "r.example.org/x:1", "--asap", "--duration", "300", "--nodetypes", "nonsense")
        #expect(badFilter.status == 1)
        #expect(badFilter.stderr.contains("nodetype expression could not be parsed") && badFilter.stderr.contains("(HTTP 400)"), "\(badFilter.stderr)")
        let unknown = try await bed.run("show", "999")
        #expect(unknown.status == 1 && unknown.stderr.contains("Could not find experiment with this id. (HTTP 404)"), "\(unknown.stderr)")
        let noSlot = try await bed.run("find", "--nodetypes", "country:nowhere")
        #expect(noSlot.status == 1 && noSlot.stderr.contains("Could not find available time slot matching these criteria."), "\(noSlot.stderr)")
        let noTask = try await bed.run("results", "4711")
        #expect(noTask.status == 1 && noTask.stderr.contains("Could not find schedule entry with this id. (HTTP 404)"), "\(noTask.stderr)")
        let gone = try await bed.run("delete", "999")
        #expect(gone.status == 1 && gone.stderr.contains("Experiment 999 not found."), "\(gone.stderr)")
        // Usage and settings: exit 2, nothing sent.
        let twoStarts = try await bed.run("submit", "--name", "x", "--script", "r.example.org/x:1", "--asap", "--start", "+60", "--duration", "300")
        #expect(twoStarts.status == 2 && twoStarts.stderr.contains("exactly one of --start, --asap and --first-available"), "\(twoStarts.stderr)")
        let badTime = try await bed.run("submit", "--name", "x", "--script", "r.example.org/x:1", "--start", "tomorrow", "--duration", "300")
        #expect(badTime.status == 2 && badTime.stderr.contains("tomorrow is not a time"), "\(badTime.stderr)")
        let noSettings = try await bed.run("list", environment: ["HOME": bed.directory.path])
        #expect(noSettings.status == 2 && noSettings.stderr.contains("missing the server URL"), "\(noSettings.stderr)")
        let missingFlag = try await bed.run("submit", "--script", "r.example.org/x:1", "--asap", "--duration", "300")
        #expect(missingFlag.status == 2 && missingFlag.stderr.contains("--name"), "\(missingFlag.stderr)")
        // Flags and the environment come before the file.
        let closed = Integration.freePort()
        let byFlag = try await bed.run("list", "--url", "https://localhost:\(closed)/v1")
        #expect(byFlag.status == 3 && byFlag.stderr.contains("cannot reach the ctld at https://localhost:\(closed)/v1"), "\(byFlag.stderr)")
        let byEnvironment = try await bed.run("list", environment: ["MARVIN_URL": "https://localhost:\(closed)/v1"])
        #expect(byEnvironment.status == 3, "\(byEnvironment.stderr)")
        // A ctld certificate from another CA is not trusted.
        let otherDirectory = bed.directory.appendingPathComponent("other-ca")
        try FileManager.default.createDirectory(at: otherDirectory, withIntermediateDirectories: true)
        let other = try TestPKI(directory: otherDirectory)
        let untrusted = try await bed.run("list", "--ca", other.caCertificate)
        #expect(untrusted.status == 3 && untrusted.stderr.contains("not signed by the CA"), "\(untrusted.stderr)")
    }

    @Test func adminCommands() async throws {
        let bed = try Bed("marvin-cli-admin")
        defer { bed.close() }
        // The admin's certificate by environment, over alice's settings file.
        let asAdmin = ["MARVIN_CERT": bed.admin.cert, "MARVIN_KEY": bed.admin.key]
        func admin(_ arguments: String...) async throws -> ProgramResult {
            try await Program.run(bed.marvin, arguments, environment: ["HOME": bed.home, "PATH": "/usr/bin:/bin"].merging(asAdmin) { $1 })
        }

        let bob = String(repeating: "b", count: 40)
        let added = try await admin("users", "add", "--name", "bob", "--ssl", bob, "--role", "user", "--project", "p1")
        #expect(added.status == 0 && added.stdout.contains("User") && added.stdout.contains("created."), "\(added.stdout)\(added.stderr)")
        let users = try JSONParser.parse(try await admin("users", "list", "--json").stdout).arrayValue ?? []
        let bobID = try #require(users.first { $0["name"] == "bob" }?["id"]?.integerValue, "\(users)")
        #expect(try await admin("users", "list").stdout.contains("bob"))
        let quota = try await admin("users", "quota", String(bobID), "--time", "3600", "--data-reset", "5000")
        #expect(quota.status == 0 && quota.stdout.contains("Updated."), "\(quota.stderr)")
        let updated = try JSONParser.parse(try await admin("users", "list", "--json").stdout).arrayValue?.first { $0["id"] == .int(bobID) }
        #expect(updated?["quota_time"] == 3600)
        let invalidated = try await admin("users", "delete", String(bobID))
        #expect(invalidated.stdout.contains("Ok. Invalidated user certificate."), "\(invalidated.stderr)")
        let noQuota = try await admin("users", "quota", String(bobID))
        #expect(noQuota.status == 2, "nothing to set")
        let notAdmin = try await bed.run("users", "add", "--name", "eve", "--ssl", String(repeating: "e", count: 40), "--role", "admin")
        #expect(notAdmin.status == 1 && notAdmin.stderr.contains("You'd have to be an admin to do that (user, admin)"), "\(notAdmin.stderr)")
        let badFingerprint = try await admin("users", "add", "--name", "eve", "--ssl", "xyz", "--role", "user")
        #expect(badFingerprint.status == 1 && badFingerprint.stderr.contains("Invalid fingerprint (xyz)."), "\(badFingerprint.stderr)")

        let node = try await admin("nodes", "add", "--id", "17", "--hostname", "node17", "--tag", "country:se", "--tag", "model:apu2",
                                   "--interface", "iccid=8946000017,operator=Telia,quota=1000000")
        #expect(node.status == 0 && node.stdout.contains("Node 17 created."), "\(node.stdout)\(node.stderr)")
        let listed = try await bed.run("nodes", "list")
        let row = listed.stdout.split(separator: "\n").first { $0.hasPrefix("17 ") }
        #expect(row?.contains("node17") == true && row?.contains("country:se") == true && row?.contains("8946000017") == true, "\(listed.stdout)")
        #expect(try await admin("nodes", "tag", "17", "country:no", "type:testing").stdout.contains("Node type set."))
        let retagged = try JSONParser.parse(try await bed.run("nodes", "list", "--json").stdout).arrayValue?.first { $0["id"] == 17 }
        #expect(retagged?["country"] == "no" && retagged?["model"] == nil, "tags are replaced as a whole: \(String(describing: retagged))")
        #expect(try await admin("nodes", "pair", "48", "17").stdout.contains("Node pair set."))
        #expect(try await admin("nodes", "pair", "48", "--delete").stdout.contains("Node pair set."))
        let pairItself = try await admin("nodes", "pair", "17", "17")
        #expect(pairItself.status == 1 && pairItself.stderr.contains("A node cannot be paired with itself."), "\(pairItself.stderr)")
        #expect(try await admin("nodes", "disable", "17").stdout.contains("Node status set."))
        #expect(try JSONParser.parse(try await bed.run("nodes", "list", "--json").stdout).arrayValue?.first { $0["id"] == 17 }?["status"] == "disabled")
        #expect(try await admin("nodes", "enable", "17").stdout.contains("Node status set."))
        let retired = try await admin("nodes", "retire", "17")
        #expect(retired.status == 0 && retired.stdout.contains("Node 17 retired."), "\(retired.stderr)")
        #expect(!(try await bed.run("nodes", "list").stdout.contains("node17")), "retired nodes are not listed")
        let duplicate = try await admin("nodes", "add", "--id", "17", "--hostname", "again")
        #expect(duplicate.status == 1 && duplicate.stderr.contains("Node 17 already exists."), "\(duplicate.stderr)")
        let unknown = try await admin("nodes", "disable", "99")
        #expect(unknown.status == 1 && unknown.stderr.contains("Could not find resource with this id."), "\(unknown.stderr)")
        let userTags = try await bed.run("nodes", "tag", "48", "type:x")
        #expect(userTags.status == 1 && userTags.stderr.contains("You'd have to be an admin to do that"), "\(userTags.stderr)")
    }
}
