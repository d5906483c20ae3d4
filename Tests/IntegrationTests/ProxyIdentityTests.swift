import Foundation
import MarvinCore
import Testing

/// Identity through a real nginx with client certificates (spec §2.5.2, TESTBED §8), and
/// header spoofing by a peer that is not a trusted proxy.
@Suite(.serialized, .enabled(if: Integration.enabled("nginx", "openssl", "curl")))
struct ProxyIdentityTests {
    @Test func nginxForwardsVerifiedFingerprints() throws {
        let directory = try Integration.temporaryDirectory("nginx-identity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try TestPKI(directory: directory)
        let carol = try pki.issue("carol", subject: "/CN=carol")
        let rogue = try pki.rogue("mallory")
        // nginx reaches the backend from 127.0.0.2; only that address is a trusted proxy,
        // so a client talking to the backend directly from 127.0.0.1 is not.
        let ctld = try CtldProcess(directory: directory, yaml: "trusted_proxies: [\"127.0.0.2/32\"]")
        let fingerprint = try pki.fingerprint(carol.cert)
        let added = try ctld.command(["admin", "add-user", "--name", "carol", "--ssl", fingerprint, "--role", "user"])
        #expect(added.status == 0, "\(added.stderr)")
        try ctld.start()
        defer { ctld.stop() }
        let curl = try Curl()
        // The backend first: nginx answers 502 until it listens, and 502 counts as answering.
        try curl.waitUntilAnswering("http://127.0.0.1:\(ctld.port)/version")
        let nginx = try NginxProcess(directory: directory.appendingPathComponent("nginx"), backendPort: ctld.port, pki: pki, proxyBind: "127.0.0.2")
        defer { nginx.stop() }
        let front = "https://localhost:\(nginx.port)"
        try curl.waitUntilAnswering("\(front)/version", caFile: pki.caCertificate)

        let withCertificate = try curl.request("\(front)/v1/backend/auth", certificate: carol, caFile: pki.caCertificate)
        #expect(withCertificate.status == 200, "\(withCertificate.body)")
        #expect(withCertificate.json?["fingerprint"] == .string(fingerprint))
        #expect(withCertificate.json?["verified"] == "SUCCESS")
        #expect(withCertificate.json?["user"]?["name"] == "carol")

        let anonymous = try curl.request("\(front)/v1/backend/auth", caFile: pki.caCertificate)
        #expect(anonymous.status == 401)
        #expect(anonymous.json == ["fingerprint": "", "verified": "NONE", "user": nil])

        // A client without a certificate cannot smuggle a fingerprint through nginx.
        let smuggled = try curl.request(
            "\(front)/v1/backend/auth", headers: ["SSL-Fingerprint": fingerprint, "VERIFIED": "SUCCESS"], caFile: pki.caCertificate)
        #expect(smuggled.status == 401)
        #expect(smuggled.json?["user"] == JSONValue.null)

        let rejected = try curl.request("\(front)/v1/backend/auth", certificate: rogue, caFile: pki.caCertificate)
        #expect(rejected.status == 400, "nginx refuses a certificate from an unknown CA")

        // Straight to the backend from an untrusted peer: the headers are ignored.
        let spoofed = try curl.request(
            "http://127.0.0.1:\(ctld.port)/v1/backend/auth", headers: ["SSL-Fingerprint": fingerprint, "VERIFIED": "SUCCESS"])
        #expect(spoofed.status == 401)
        #expect(spoofed.json == ["fingerprint": "", "verified": nil, "user": nil])
        let spoofedRead = try curl.request(
            "http://127.0.0.1:\(ctld.port)/v1/resources", headers: ["SSL-Fingerprint": fingerprint, "VERIFIED": "SUCCESS"])
        #expect(spoofedRead.status == 401)
    }

    @Test func scenario015_nativeMutualTLS() throws {
        let directory = try Integration.temporaryDirectory("mtls-identity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try TestPKI(directory: directory)
        let carol = try pki.issue("carol", subject: "/CN=carol")
        let rogue = try pki.rogue("mallory")
        let ctld = try CtldProcess(directory: directory, yaml: pki.mutualTLSConfiguration)
        let fingerprint = try pki.fingerprint(carol.cert)
        let added = try ctld.command(["admin", "add-user", "--name", "carol", "--ssl", fingerprint, "--role", "user"])
        #expect(added.status == 0, "\(added.stderr)")
        try ctld.start()
        defer { ctld.stop() }
        let curl = try Curl()
        let base = "https://localhost:\(ctld.port)"
        try curl.waitUntilAnswering("\(base)/version", caFile: pki.caCertificate)

        let verified = try curl.request("\(base)/v1/backend/auth", certificate: carol, caFile: pki.caCertificate)
        #expect(verified.status == 200, "\(verified.body) \(ctld.logText)")
        #expect(verified.json?["fingerprint"] == .string(fingerprint))
        #expect(verified.json?["verified"] == "SUCCESS")
        #expect(verified.json?["user"]?["name"] == "carol")

        let anonymous = try curl.request("\(base)/v1/backend/auth", caFile: pki.caCertificate)
        #expect(anonymous.status == 401)
        #expect(anonymous.json == ["fingerprint": "", "verified": "NONE", "user": nil])

        let headersIgnored = try curl.request(
            "\(base)/v1/backend/auth", headers: ["SSL-Fingerprint": String(repeating: "a", count: 40), "VERIFIED": "SUCCESS"],
            certificate: carol, caFile: pki.caCertificate)
        #expect(headersIgnored.json?["user"]?["name"] == "carol")

        let rejected = try curl.request("\(base)/v1/backend/auth", certificate: rogue, caFile: pki.caCertificate)
        #expect(rejected.status == 0, "the handshake must fail for a certificate from another CA")
        #expect(rejected.exitCode != 0)
    }
}
