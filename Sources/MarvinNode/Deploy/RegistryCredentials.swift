import Foundation
import MarvinCore

/// `docker.registry_auth_file` (node-runtime §6.3): a Docker-style `config.json` whose `auths`
/// hold credentials per registry. A pull from a registry listed there sends them to the engine
/// as `X-Registry-Auth`. The file is read at each pull, so an operator's change needs no
/// restart; its values are never logged.
enum RegistryCredentials {
    /// The `X-Registry-Auth` value for `registry` (`docker.io` for Docker Hub), or nil.
    static func header(for registry: String, file: String?) -> String? {
        guard let file, let data = FileManager.default.contents(atPath: file),
              let auths = (try? JSONParser.parse(String(decoding: data, as: UTF8.self)))?["auths"]?.objectValue else { return nil }
        // Keys are written as a host, or as a URL of it (Docker Hub's is the index's URL).
        let names = registry == "docker.io" ? ["docker.io", "index.docker.io", "https://index.docker.io/v1/"] : [registry, "https://\(registry)", "http://\(registry)"]
        guard let entry = names.lazy.compactMap({ auths[$0] }).first else { return nil }
        var username = entry["username"]?.stringValue
        var password = entry["password"]?.stringValue
        if let encoded = entry["auth"]?.stringValue, let decoded = Data(base64Encoded: encoded).map({ String(decoding: $0, as: UTF8.self) }),
           let colon = decoded.firstIndex(of: ":") {
            username = String(decoded[..<colon])
            password = String(decoded[decoded.index(after: colon)...])
        }
        var credentials: [String: JSONValue] = ["serveraddress": .string(registry)]
        if let username, let password {
            credentials["username"] = .string(username)
            credentials["password"] = .string(password)
        } else if let token = entry["identitytoken"]?.stringValue {
            credentials["identitytoken"] = .string(token)
        } else {
            return nil
        }
        // base64url, as the engine reads it.
        return Data(JSONWriter.write(.object(credentials), pretty: false).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}
