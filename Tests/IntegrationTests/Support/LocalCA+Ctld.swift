import MarvinLocalCA

extension LocalCA {
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
}
