import Foundation

/// A throwaway certificate authority made with the openssl command line: a server
/// certificate for localhost, client certificates signed by the CA, and a rogue
/// self-signed client certificate that no one trusts.
struct TestPKI {
    let directory: URL
    let openssl: String

    var caCertificate: String { path("ca.crt") }
    var serverCertificate: String { path("server.crt") }
    var serverKey: String { path("server.key") }

    init(directory: URL) throws {
        self.directory = directory
        openssl = try Integration.require("openssl")
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                 "-keyout", path("ca.key"), "-out", path("ca.crt"), "-subj", "/CN=marvin test CA"])
        try issue("server", subject: "/CN=localhost", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func run(_ arguments: [String]) throws {
        let result = try Program.run(openssl, arguments)
        guard result.status == 0 else { throw Failure(description: "openssl \(arguments.first ?? ""): \(result.stderr)") }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A key and certificate signed by the CA; returns (certificate, key) paths.
    @discardableResult
    func issue(_ name: String, subject: String, extensions: String = "extendedKeyUsage=clientAuth") throws -> (cert: String, key: String) {
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("\(name).key"),
                 "-out", path("\(name).csr"), "-subj", subject])
        try run(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
                 "-days", "2", "-out", path("\(name).crt"), "-extfile", path("\(name).ext")])
        return (path("\(name).crt"), path("\(name).key"))
    }

    /// A self-signed client certificate outside the CA.
    func rogue(_ name: String) throws -> (cert: String, key: String) {
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                 "-keyout", path("\(name).key"), "-out", path("\(name).crt"), "-subj", "/CN=\(name)"])
        return (path("\(name).crt"), path("\(name).key"))
    }

    /// marvinctld configuration for native mTLS with this CA's server certificate (§2.5.3).
    var mutualTLSConfiguration: String {
        """
        tls:
          enabled: true
          certificate: \(serverCertificate)
          key: \(serverKey)
          client_ca: \(caCertificate)
        """
    }

    /// The fingerprint as nginx computes it: SHA-1 of the DER certificate, lower-case hex.
    func fingerprint(_ certificate: String) throws -> String {
        let result = try Program.run(openssl, ["x509", "-in", certificate, "-noout", "-fingerprint", "-sha1"])
        guard result.status == 0, let value = result.stdout.split(separator: "=").last else { throw Failure(description: result.stderr) }
        return value.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "").lowercased()
    }
}
