/// Container URLs in the `script` parameter (§5.17).
public enum ScriptURL {
    /// `^[A-Za-z0-9][A-Za-z0-9._:/@-]*$`, at most 512 characters: nodes use it in shell commands.
    public static func isWellFormed(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        guard let first = bytes.first, bytes.count <= 512, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || "._:/@-".utf8.contains($0) }
    }

    /// Trusted when the host part equals the configured registry (case-insensitive);
    /// an empty registry trusts everything.
    public static func isTrusted(_ url: String, registry: String) -> Bool {
        if registry.isEmpty { return true }
        var rest = Substring(url)
        if rest.hasPrefix("https://") { rest = rest.dropFirst("https://".count) }
        let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return host.lowercased() == registry.lowercased()
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
