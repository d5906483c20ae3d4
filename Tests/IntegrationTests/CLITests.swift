import Foundation
import MarvinCore
import Testing

/// §11.13: the admin bootstrap commands of the real binary (§9.1).
@Suite(.enabled(if: Integration.enabled("curl")))
struct CLITests {
    static let admin = String(repeating: "a", count: 40)

    func withCtld(_ yaml: String = "", _ body: (CtldProcess) throws -> Void) throws {
        let directory = try Integration.temporaryDirectory("ctld-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(try CtldProcess(directory: directory, yaml: yaml))
    }

    @Test func scenario174to175_addUser() throws {
        try withCtld { ctld in
            let colons = Array(repeating: "AA", count: 20).joined(separator: ":")
            let first = try ctld.command(["admin", "add-user", "--name", "admin", "--ssl", colons, "--role", "admin"])
            #expect(first.status == 0)
            #expect(first.stdout == "1\n")
            let again = try ctld.command(["admin", "add-user", "--name", "admin", "--ssl", colons, "--role", "admin"])
            #expect(again.status == 1)
            #expect(again.stderr == "Error inserting user.\n")
            let role = try ctld.command(["admin", "add-user", "--name", "x", "--ssl", String(repeating: "b", count: 40), "--role", "root"])
            #expect(role.status == 1)
            #expect(role.stderr == "Invalid role (root). Valid roles: user, node, admin.\n")
            let ssl = try ctld.command(["admin", "add-user", "--name", "x", "--ssl", "xyz", "--role", "user"])
            #expect(ssl.status == 1)
            #expect(ssl.stderr == "Invalid fingerprint (xyz). Expected 40 hexadecimal digits.\n")
            let empty = try ctld.command(["admin", "add-user", "--name", "", "--ssl", String(repeating: "b", count: 40), "--role", "user"])
            #expect(empty.status == 1)
            #expect(empty.stderr == "Parameters missing (name, ssl, role), optional: project.\n")
            let noRole = try ctld.command(["admin", "add-user", "--name", "x", "--ssl", String(repeating: "b", count: 40)])
            #expect(noRole.status == 2)
            #expect(noRole.stderr.contains("Usage"))
            let unknown = try ctld.command(["admin", "add-user", "--foo"])
            #expect(unknown.status == 2)
            let noCommand = try ctld.command(["admin"])
            #expect(noCommand.status == 2)
            #expect(noCommand.stderr.contains("add-user"))

            try ctld.start()
            defer { ctld.stop() }
            let curl = try Curl()
            let base = "http://127.0.0.1:\(ctld.port)"
            try curl.waitUntilAnswering("\(base)/version")
            let headers = ["SSL-Fingerprint": Self.admin, "VERIFIED": "SUCCESS"]
            let user = try curl.request("\(base)/v1/users/1", headers: headers)
            #expect(user.json?.arrayValue?.first?["ssl_id"] == .string(Self.admin))
            let journal = try curl.request("\(base)/v1/users/1/journals", headers: headers)
            #expect(journal.json?.arrayValue?.map { $0["reason"] } == ["user created", "user created", "user created"])
        }
    }

    @Test func scenario176to177_addNode() throws {
        try withCtld { ctld in
            #expect(try ctld.command(["admin", "add-user", "--name", "admin", "--ssl", Self.admin, "--role", "admin"]).status == 0)
            let node = try ctld.command([
                "admin", "add-node", "--id", "17", "--hostname", "node17", "--tag", "type:deployed", "--tag", "country:se", "--tag", "model:apu2",
                "--interface", "iccid=89460000000000000017,imei=359000000000017,mccmnc=24201,operator=Telenor,quota=50000000000",
            ])
            #expect(node.status == 0, "\(node.stderr)")
            #expect(node.stdout == "17\n")
            let again = try ctld.command(["admin", "add-node", "--id", "17", "--hostname", "node17"])
            #expect(again.status == 1)
            #expect(again.stderr == "Node 17 already exists.\n")
            let noICCID = try ctld.command(["admin", "add-node", "--id", "18", "--hostname", "n", "--interface", "imei=1"])
            #expect(noICCID.status == 1)
            #expect(noICCID.stderr == "Parameter interfaces must be a list of interface objects.\n")
            let malformed = try ctld.command(["admin", "add-node", "--id", "18", "--hostname", "n", "--interface", "iccid"])
            #expect(malformed.status == 2)
            let tag = try ctld.command(["admin", "add-node", "--id", "18", "--hostname", "n", "--tag", "site:a,b"])
            #expect(tag.status == 1)
            #expect(tag.stderr == "Invalid tag (site:a,b).\n")

            try ctld.start()
            defer { ctld.stop() }
            let curl = try Curl()
            let base = "http://127.0.0.1:\(ctld.port)"
            try curl.waitUntilAnswering("\(base)/version")
            let listed = try curl.request("\(base)/v1/resources/17", headers: ["SSL-Fingerprint": Self.admin, "VERIFIED": "SUCCESS"])
            let object = listed.json?.arrayValue?.first
            #expect(object?["hostname"] == "node17")
            #expect(object?["type"] == "deployed")
            #expect(object?["country"] == "se")
            #expect(object?["interfaces"]?.arrayValue?.first?["quota_current"] == 50_000_000_000)
            #expect(object?["interfaces"]?.arrayValue?.first?["operator"] == "Telenor")
        }
    }

    @Test func scenario178_addUserWhileServing() throws {
        try withCtld { ctld in
            #expect(try ctld.command(["admin", "add-user", "--name", "admin", "--ssl", Self.admin, "--role", "admin"]).status == 0)
            try ctld.start()
            defer { ctld.stop() }
            let curl = try Curl()
            let base = "http://127.0.0.1:\(ctld.port)"
            try curl.waitUntilAnswering("\(base)/version")
            let dave = String(repeating: "f", count: 40)
            let added = try ctld.command(["admin", "add-user", "--name", "dave", "--ssl", dave, "--role", "user"])
            #expect(added.stdout == "2\n")
            let user = try curl.request("\(base)/v1/users/2", headers: ["SSL-Fingerprint": Self.admin, "VERIFIED": "SUCCESS"])
            #expect(user.status == 200)
            let auth = try curl.request("\(base)/v1/backend/auth", headers: ["SSL-Fingerprint": dave, "VERIFIED": "SUCCESS"])
            #expect(auth.status == 200)
        }
    }

    @Test func scenario179_configurationErrors() throws {
        try withCtld { ctld in
            let binary = ctld.binary
            let missing = try Program.run(binary, ["--config", "/nonexistent/marvinctld.yaml", "admin", "add-user", "--name", "a", "--ssl", Self.admin, "--role", "admin"])
            #expect(missing.status == 3)
            let noDirectory = ctld.directory.appendingPathComponent("nodir.yaml").path
            try "database: /nonexistent/dir/db.sqlite\n".write(toFile: noDirectory, atomically: true, encoding: .utf8)
            let badDatabase = try Program.run(binary, ["--config", noDirectory, "admin", "add-user", "--name", "a", "--ssl", Self.admin, "--role", "admin"])
            #expect(badDatabase.status == 3)
            let windows = ctld.directory.appendingPathComponent("windows.yaml").path
            try "database: \(ctld.directory.path)/w.sqlite\npolicy:\n  maintenance_windows: [\"25:00-26:00\"]\n".write(toFile: windows, atomically: true, encoding: .utf8)
            let refused = try Program.run(binary, ["--config", windows, "serve"])
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("maintenance_windows"))
            let check = try Program.run(binary, ["--config", windows, "check-config"])
            #expect(check.status == 3)
            let legacy = try Program.run(binary, [windows])
            #expect(legacy.status == 3, "the legacy form `marvinctld FILE` reads FILE")
            let version = try Program.run(binary, ["--version"])
            #expect(version.status == 0)
            #expect(!version.stdout.isEmpty)
            let help = try Program.run(binary, ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("admin"))
        }
    }
}
