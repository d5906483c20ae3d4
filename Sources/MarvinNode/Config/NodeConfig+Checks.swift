import Foundation

/// What the checks of §2.2 may look at beyond the file's text.
public struct EnvironmentChecks: Sendable {
    /// Permission bits of the configuration file, when read from disk.
    public var configFileMode: UInt16?
    /// Look at the machine: certificate, key, id file and hook directories. Off for text-only checks.
    public var filesystem: Bool

    public init(configFileMode: UInt16? = nil, filesystem: Bool = true) {
        self.configFileMode = configFileMode
        self.filesystem = filesystem
    }
}

extension NodeConfig {
    /// The checks of §2.2 that concern several keys or the machine, and the node id (§2.4).
    mutating func check(_ top: ConfigSection, problems: ConfigProblems, environment: EnvironmentChecks) {
        let ssl = top.section("ssl")
        if !top.has("rest-server") {
            problems.error("rest-server", at: top.position, "required key is missing")
        } else if restServer.hasPrefix("http://") {
            if !development { top.error("rest-server", top.node("rest-server"), "must be an https:// URL (http:// only with development: true)") }
        } else if !restServer.hasPrefix("https://") || URL(string: restServer)?.host == nil {
            top.error("rest-server", top.node("rest-server"), "must be an https:// URL")
        }
        if !development {
            if !self.ssl.verify { ssl.error("verify", ssl.node("verify"), "false is only allowed with development: true") }
            if runtime.container != "docker" {
                let section = top.section("runtime")
                section.error("container", section.node("container"), "\(runtime.container) is only allowed with development: true")
            }
            if vm.allowTCG {
                let section = top.section("vm")
                section.error("allow_tcg", section.node("allow_tcg"), "true is only allowed with development: true")
            }
            if !network.required {
                let section = top.section("network")
                section.error("required", section.node("required"), "false is only allowed with development: true")
            }
            // On a real node the metadata exporter owns the bus (§13.1).
            if !metadata.publish.isEmpty {
                let section = top.section("metadata")
                section.error("publish", section.node("publish"), "is only allowed with development: true")
            }
        }
        let sync = top.section("sync")
        if self.sync.enabled, self.sync.repository.isEmpty, Self.samePath(self.sync.targetDirectory, directories.status) {
            sync.error("target_directory", sync.node("target_directory"), "must differ from status_directory")
        }
        if let mode = environment.configFileMode, mode & 0o077 != 0 {
            problems.warning("(file)", at: (1, 1), "readable by group or others; it should be mode 0600")
        }
        resolveNodeID(top, problems: problems, filesystem: environment.filesystem)
        guard environment.filesystem else { return }
        for (key, path) in [("cert", self.ssl.cert), ("key", self.ssl.key)] where !FileManager.default.isReadableFile(atPath: path) {
            ssl.error(key, ssl.node(key), "\(path) does not exist or is not readable")
        }
        if let ca = self.ssl.ca, !FileManager.default.isReadableFile(atPath: ca) {
            ssl.error("ca", ssl.node("ca"), "\(ca) does not exist or is not readable")
        }
        let hooks = top.section("hooks")
        for directory in self.hooks.directories {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                hooks.warning("directories", hooks.node("directories"), "hook directory \(directory) does not exist")
            }
        }
    }

    /// §2.4: `id` wins over the first line of `idfile`; the id is 1–10 digits.
    private mutating func resolveNodeID(_ top: ConfigSection, problems: ConfigProblems, filesystem: Bool) {
        if nodeID.isEmpty, !top.has("id") {
            guard filesystem else { return }
            guard let text = try? String(contentsOfFile: idFile, encoding: .utf8) else {
                top.error("idfile", top.node("idfile"), "no id given and \(idFile) cannot be read")
                return
            }
            nodeID = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if nodeID.range(of: "^[0-9]{1,10}$", options: .regularExpression) == nil {
                top.error("idfile", top.node("idfile"), "the first line of \(idFile) is not a node id (1 to 10 digits)")
            }
            return
        }
        if nodeID.range(of: "^[0-9]{1,10}$", options: .regularExpression) == nil {
            top.error("id", top.node("id"), "must be 1 to 10 digits")
        }
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        func normal(_ p: String) -> String { p.count > 1 && p.hasSuffix("/") ? String(p.dropLast()) : p }
        return normal(a) == normal(b)
    }
}
