import Foundation
import MarvinNode

/// A throwaway certificate authority made with the openssl command line, for the machines
/// `marvin dev`, `marvin-bench` and the integration tests bring up: the CA, a server
/// certificate for localhost and 127.0.0.1, client certificates it signs, and self-signed
/// ones nobody trusts. Keys are P-256 and stay in `directory` (0700).
public struct LocalCA: Sendable {
    public typealias Pair = (cert: String, key: String)

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public let directory: String
    let days: Int

    public var caCertificate: String { path("ca.crt") }
    public var serverCertificate: String { path("server.crt") }
    public var serverKey: String { path("server.key") }

    /// Makes the CA, named `name`, and its server certificate, both valid for `days`.
    public init(directory: String, name: String, days: Int) throws {
        self.directory = directory
        self.days = days
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "\(days)",
                          "-keyout", path("ca.key"), "-out", caCertificate, "-subj", "/CN=\(name)"])
        try issue("server", commonName: "localhost", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
    }

    private func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// A key and a client certificate (or what `extensions` says) signed by the CA.
    @discardableResult
    public func issue(_ name: String, commonName: String, extensions: String = "extendedKeyUsage=clientAuth") throws -> Pair {
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("\(name).key"),
                          "-out", path("\(name).csr"), "-subj", "/CN=\(commonName)"])
        try Self.openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", caCertificate, "-CAkey", path("ca.key"), "-CAcreateserial",
                          "-days", "\(days)", "-out", path("\(name).crt"), "-extfile", path("\(name).ext")])
        return (path("\(name).crt"), path("\(name).key"))
    }

    /// A self-signed client certificate outside the CA.
    public func rogue(_ name: String) throws -> Pair {
        try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "\(days)",
                          "-keyout", path("\(name).key"), "-out", path("\(name).crt"), "-subj", "/CN=\(name)"])
        return (path("\(name).crt"), path("\(name).key"))
    }

    /// What the ctld knows a principal by (ctld-protocol §2.5): SHA-1 of the DER certificate,
    /// lower-case hex, as nginx computes it.
    public func fingerprint(_ certificate: String) throws -> String {
        let output = try Self.openssl(["x509", "-in", certificate, "-noout", "-fingerprint", "-sha1"])
        guard let value = output.last?.split(separator: "=").last else { throw Failure(description: "openssl printed no fingerprint for \(certificate)") }
        return value.replacingOccurrences(of: ":", with: "").lowercased()
    }

    @discardableResult
    private static func openssl(_ arguments: [String]) throws -> [String] {
        let result = ChildProcess.runBlocking("openssl", arguments)
        guard result.code == 0 else {
            throw Failure(description: "openssl \(arguments[0]) failed (is openssl installed?): \(result.output.suffix(3).joined(separator: " "))")
        }
        return result.output
    }
}
