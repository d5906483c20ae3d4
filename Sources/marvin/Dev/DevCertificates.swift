import Foundation
import MarvinNode

/// The local testbed's certificate authority, made with the openssl command line: the ctld's
/// server certificate for 127.0.0.1 and client certificates for the node and the experimenter.
/// Valid for 30 days; every run makes its own.
struct DevCertificates {
    let directory: String

    var authority: String { "\(directory)/ca.crt" }

    struct Pair {
        let certificate: String
        let key: String
    }

    init(directory: String) async throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
                           "-keyout", "\(directory)/ca.key", "-out", authority, "-subj", "/CN=marvin dev CA"])
    }

    /// A key and a certificate signed by the testbed's CA.
    func issue(_ name: String, commonName: String, server: Bool = false) async throws -> Pair {
        let base = "\(directory)/\(name)"
        let extensions = server ? "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" : "extendedKeyUsage=clientAuth\n"
        try extensions.write(toFile: "\(base).ext", atomically: true, encoding: .utf8)
        try await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(base).key",
                           "-out", "\(base).csr", "-subj", "/CN=\(commonName)"])
        try await openssl(["x509", "-req", "-in", "\(base).csr", "-CA", authority, "-CAkey", "\(directory)/ca.key", "-CAcreateserial",
                           "-days", "30", "-out", "\(base).crt", "-extfile", "\(base).ext"])
        return Pair(certificate: "\(base).crt", key: "\(base).key")
    }

    /// What the ctld knows a principal by (ctld-protocol §2.5): SHA-1 of the DER certificate,
    /// lower-case hex.
    func fingerprint(_ pair: Pair) async throws -> String {
        let output = try await openssl(["x509", "-in", pair.certificate, "-noout", "-fingerprint", "-sha1"])
        guard let value = output.last?.split(separator: "=").last else { throw Failure.testbed("openssl printed no fingerprint") }
        return value.replacingOccurrences(of: ":", with: "").lowercased()
    }

    @discardableResult
    private func openssl(_ arguments: [String]) async throws -> [String] {
        let result = await ChildProcess.run("openssl", arguments)
        guard result.code == 0 else {
            throw Failure.testbed("openssl \(arguments[0]) failed (is openssl installed?): \(result.output.suffix(3).joined(separator: " "))")
        }
        return result.output
    }
}
