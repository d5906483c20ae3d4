import Foundation
import MarvinCore

/// Who is calling (§2.5): the effective fingerprint and verification state, and the principal
/// when the fingerprint belongs to a user whose role is not `invalid`.
struct Identity: Sendable {
    /// The effective fingerprint, or nil when the request has no identity.
    var fingerprint: String?
    /// Proxy mode: the `VERIFIED` header of a trusted peer (else nil); mTLS: `SUCCESS` or `NONE`.
    var verified: String?
    /// The user holding the fingerprint, whatever its role (shown by `/v1/backend/auth`).
    var user: UserRecord?

    var principal: UserRecord? {
        guard let user, user.role != .invalid else { return nil }
        return user
    }

    var role: Role? { principal?.role }

    static let anonymous = Identity(fingerprint: nil, verified: nil, user: nil)
}

/// Reads the trusted-proxy headers (§2.5.2).
struct ProxyHeaderIdentity: Sendable {
    let trustedProxies: [CIDRRange]

    /// Fingerprint and verification state from the headers, or nil values when they do not qualify.
    func credentials(peer: String?, fingerprintValues: [String], verifiedValues: [String]) -> (fingerprint: String?, verified: String?) {
        guard let peer, trustedProxies.contains(where: { $0.contains(peer) }) else { return (nil, nil) }
        let verified = verifiedValues.first
        let distinct = Set(fingerprintValues.map { Fingerprint.normalise($0) ?? "invalid:" + $0 })
        guard distinct.count == 1, verified == "SUCCESS", let value = distinct.first, !value.hasPrefix("invalid:") else {
            return (nil, verified)
        }
        return (value, verified)
    }
}

/// An IPv4 or IPv6 network in CIDR notation, e.g. `127.0.0.0/8`.
struct CIDRRange: Sendable, Equatable {
    let address: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let maxPrefix = address.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...maxPrefix).contains(prefix) else { return nil }
            self.prefix = prefix
        } else if parts.count == 1 {
            self.prefix = maxPrefix
        } else {
            return nil
        }
        self.address = address
    }

    func contains(_ peer: String) -> Bool {
        guard var candidate = Self.bytes(of: peer) else { return false }
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
        if candidate.count == 16, address.count == 4, candidate[0..<12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] {
            candidate = Array(candidate[12...])
        }
        guard candidate.count == address.count else { return false }
        var remaining = prefix
        for (a, b) in zip(address, candidate) where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
