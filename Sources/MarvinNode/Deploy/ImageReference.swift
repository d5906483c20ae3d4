/// A Docker image reference as a node accepts it (node-runtime §6.2): optional registry host
/// with port, lower-case path components, optional tag and digest; at most 255 characters.
/// Anything else never reaches the engine, a shell or a file name.
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    /// The registry host (with `:port`), nil for Docker Hub.
    public var registry: String?
    /// `team/ping`, without registry, tag or digest.
    public var repository: String
    public var tag: String?
    /// `sha256:<64 hex>`.
    public var digest: String?

    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 255 else { return nil }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            let digest = rest[rest.index(after: at)...]
            guard digest.hasPrefix("sha256:"), digest.count == 71,
                  digest.dropFirst(7).allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else { return nil }
            self.digest = String(digest)
            rest = rest[..<at]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // Docker's rule: the first component names a registry when it has a dot or a port, or is localhost.
        if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
            guard Self.isRegistryHost(first) else { return nil }
            registry = first
            components.removeFirst()
        }
        guard var last = components.popLast() else { return nil }
        if let colon = last.firstIndex(of: ":") {
            let tag = String(last[last.index(after: colon)...])
            guard Self.isTag(tag) else { return nil }
            self.tag = tag
            last = String(last[..<colon])
        }
        components.append(last)
        guard components.allSatisfy(Self.isPathComponent) else { return nil }
        repository = components.joined(separator: "/")
    }

    /// The registry the allow-list compares (`deploy.allowed_registries`); Docker Hub is `docker.io`.
    public var registryName: String { registry ?? "docker.io" }

    /// `fromImage` for the engine's pull: everything but tag and digest.
    public var name: String { registry.map { "\($0)/\(repository)" } ?? repository }

    public var description: String {
        name + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }

    static func isRegistryHost(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
              parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else { return false }
        if parts.count == 2 { return !parts[1].isEmpty && parts[1].count <= 5 && parts[1].allSatisfy { $0.isASCII && $0.isNumber } }
        return true
    }

    /// `[a-z0-9]+` runs joined by `.`, `_`, `__` or runs of `-`.
    static func isPathComponent(_ text: String) -> Bool {
        var previousWasAlphanumeric = false
        var separator = ""
        for character in text {
            if character.isASCII, character.isLowercase || character.isNumber {
                if !separator.isEmpty {
                    guard separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" }) else { return false }
                    separator = ""
                }
                previousWasAlphanumeric = true
            } else if character == "." || character == "_" || character == "-" {
                guard previousWasAlphanumeric || !separator.isEmpty else { return false }
                separator.append(character)
                previousWasAlphanumeric = false
            } else {
                return false
            }
        }
        return previousWasAlphanumeric
    }

    static func isTag(_ text: String) -> Bool {
        guard let first = text.first, text.count <= 128 else { return false }
        func allowed(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        return allowed(first) && text.dropFirst().allSatisfy { allowed($0) || $0 == "." || $0 == "-" }
    }
}
