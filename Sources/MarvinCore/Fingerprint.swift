import Foundation

/// A client-certificate fingerprint: SHA-1 of the DER certificate as 40 lower-case hex digits,
/// exactly what nginx puts into `$ssl_client_fingerprint` (§2.5.1).
public enum Fingerprint {
    /// Trims, removes `:` and lower-cases; nil when the result is not 40 hex digits.
    public static func normalise(_ text: String) -> String? {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "").lowercased()
        guard value.utf8.count == 40, value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        return value
    }
}
