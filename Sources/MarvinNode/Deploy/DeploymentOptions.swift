import MarvinCore

/// The private options marvind interprets, after the strict checks of node-runtime §6.2. A
/// value that fails its rule fails the task by name; the value itself is never repeated.
public struct DeploymentOptions: Sendable, Equatable {
    /// The image reference (Docker runtime) or the bare program name (process runtime).
    public var script: String
    /// Results cap in bytes.
    public var storage: Int64
    /// Per-interface traffic quota in bytes; nil when not enforced.
    public var traffic: Int64?
    public var restart: Bool
    public var vm: Bool
    public var neat: Bool
    public var ssh: Bool
    public var eduroam: Bool

    /// Why options were refused: the exact status text of §5.4.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let statusText: String
        public var description: String { statusText }

        static func invalid(_ name: String) -> Refusal { Refusal(statusText: StatusTexts.invalidOption(name)) }
        static let tooLarge = Refusal(statusText: "failed; invalid deployment options")
        static func unsupported(_ name: String) -> Refusal { Refusal(statusText: "failed; option \(name) is not supported on this node") }
        static let registryNotAllowed = Refusal(statusText: "failed; container image not allowed on this node")
    }

    /// Legacy options that are passed through but do nothing on this node (`deploy.log` says so).
    public static let ineffective = ["internal", "basedir", "sysctl"]

    /// Checks `options` (with the resolved `script`) against the rules and this node's features.
    public static func validate(_ options: [String: JSONValue], script: String?, config: NodeConfig, processRuntime: Bool) -> Result<DeploymentOptions, Refusal> {
        if JSONWriter.write(.object(options), pretty: false).utf8.count > 65536 { return .failure(.tooLarge) }
        do {
            guard let script, processRuntime ? isProgramName(script) : ImageReference(script) != nil else { throw Refusal.invalid("script") }
            var storage = try integer(options["storage"], name: "storage", max: config.results.maxStorage) ?? 0
            if storage == 0 { storage = config.results.defaultStorage }
            let traffic = try integer(options["traffic"], name: "traffic", max: config.traffic.maxTraffic) ?? config.traffic.defaultQuota
            let restart = try boolean(options["restart"], name: "restart") ?? true
            let vm = try boolean(options["vm"], name: "vm") ?? false
            let neat = try boolean(options["neat"], name: "neat") ?? false
            _ = try boolean(options["shared"], name: "shared")
            let ssh = try sshRequested(options["ssh"])
            let eduroam = try eduroamRequested(options["_eduroam"])
            // Feature gates, in the order §6.1 names them.
            if vm && config.vm.enabled != true { throw Refusal.unsupported("vm") }
            if neat && !config.neat.enabled { throw Refusal.unsupported("neat") }
            if eduroam && config.eduroam.enabled != true { throw Refusal.unsupported("_eduroam") }
            if ssh && !config.sshDebug.enabled { throw Refusal.unsupported("ssh") }
            if !processRuntime, !config.deploy.allowedRegistries.isEmpty,
               let reference = ImageReference(script), !config.deploy.allowedRegistries.contains(reference.registryName) {
                throw Refusal.registryNotAllowed
            }
            return .success(DeploymentOptions(script: script, storage: storage, traffic: traffic, restart: restart, vm: vm, neat: neat, ssh: ssh, eduroam: eduroam))
        } catch let refusal as Refusal {
            return .failure(refusal)
        } catch {
            return .failure(.tooLarge)
        }
    }

    /// A `process` runtime script: a bare executable name (§7.12).
    public static func isProgramName(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase || first.isNumber, text.count <= 255 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    /// The integer rule: a JSON integer, or 1 to 19 ASCII digits; inside `0...max`. Absent or null → nil.
    static func integer(_ value: JSONValue?, name: String, max: Int64) throws(Refusal) -> Int64? {
        let number: Int64
        switch value {
        case nil, .null?: return nil
        case .int(let v)?: number = v
        case .string(let text)? where (1...19).contains(text.utf8.count) && text.utf8.allSatisfy({ (48...57).contains($0) }):
            guard let v = Int64(text) else { throw .invalid(name) }
            number = v
        default: throw .invalid(name)
        }
        guard (0...max).contains(number) else { throw .invalid(name) }
        return number
    }

    /// The boolean rule: `true`, `false`, `0`, `1`, `"0"`, `"1"`, `"true"`, `"false"`. Absent or null → nil.
    static func boolean(_ value: JSONValue?, name: String) throws(Refusal) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let v)?: return v
        case .int(0)?, .string("0")?, .string("false")?: return false
        case .int(1)?, .string("1")?, .string("true")?: return true
        default: throw .invalid(name)
        }
    }

    /// `ssh`: an object turns the debug mode on; absent, null, false, 0 and "" leave it off.
    static func sshRequested(_ value: JSONValue?) throws(Refusal) -> Bool {
        switch value {
        case nil, .null?, .bool(false)?, .int(0)?, .string("")?: return false
        case .object?: return true
        default: throw .invalid("ssh")
        }
    }

    /// `_eduroam`: `identity` of 1–99 printable characters without `"` and `\`; `hash` either
    /// `hash:` plus 32 hex digits or a password of 1–99 such characters (space allowed).
    static func eduroamRequested(_ value: JSONValue?) throws(Refusal) -> Bool {
        switch value {
        case nil, .null?: return false
        case .object(let object)?:
            guard case .string(let identity)? = object["identity"], case .string(let hash)? = object["hash"],
                  isCredential(identity, allowSpace: false), isNTHash(hash) || isCredential(hash, allowSpace: true) else {
                throw .invalid("_eduroam")
            }
            return true
        default: throw .invalid("_eduroam")
        }
    }

    static func isCredential(_ text: String, allowSpace: Bool) -> Bool {
        (1...99).contains(text.unicodeScalars.count) && text.unicodeScalars.allSatisfy {
            ((allowSpace ? 0x20 : 0x21)...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\"
        }
    }

    static func isNTHash(_ text: String) -> Bool {
        text.hasPrefix("hash:") && text.count == 37 && text.dropFirst(5).allSatisfy(\.isHexDigit)
    }
}
