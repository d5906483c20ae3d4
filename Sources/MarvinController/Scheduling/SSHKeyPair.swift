import Crypto
import Foundation

/// An Ed25519 key pair in OpenSSH formats, generated per task for the `ssh` option (§5.15).
struct SSHKeyPair {
    /// `ssh-ed25519 AAAA… <comment>`
    let publicKey: String
    /// `-----BEGIN OPENSSH PRIVATE KEY-----…`, unencrypted.
    let privateKey: String

    init(comment: String) {
        let key = Curve25519.Signing.PrivateKey()
        let publicBytes = Array(key.publicKey.rawRepresentation)
        let publicBlob = Self.string("ssh-ed25519") + Self.string(publicBytes)
        publicKey = "ssh-ed25519 \(Data(publicBlob).base64EncodedString()) \(comment)"

        // The private section: a repeated check number, the key (seed followed by the public
        // half), the comment, then padding to the cipher block size (8 for "none").
        let check = UInt32.random(in: .min ... .max)
        var section = Self.uint32(check) + Self.uint32(check)
        section += Self.string("ssh-ed25519") + Self.string(publicBytes)
        section += Self.string(Array(key.rawRepresentation) + publicBytes)
        section += Self.string(Array(comment.utf8))
        var pad: UInt8 = 1
        while section.count % 8 != 0 {
            section.append(pad)
            pad += 1
        }
        var blob = Array("openssh-key-v1".utf8) + [0]
        blob += Self.string("none") + Self.string("none") + Self.string([UInt8]())
        blob += Self.uint32(1) + Self.string(publicBlob) + Self.string(section)
        let base64 = Data(blob).base64EncodedString()
        var lines: [String] = []
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 70, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        privateKey = (["-----BEGIN OPENSSH PRIVATE KEY-----"] + lines + ["-----END OPENSSH PRIVATE KEY-----"]).joined(separator: "\n") + "\n"
    }

    private static func uint32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func string(_ bytes: [UInt8]) -> [UInt8] { uint32(UInt32(bytes.count)) + bytes }
    private static func string(_ text: String) -> [UInt8] { string(Array(text.utf8)) }
}
