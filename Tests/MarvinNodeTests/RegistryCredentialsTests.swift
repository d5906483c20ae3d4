import Foundation
import MarvinCore
@testable import MarvinNode
import Testing

/// `docker.registry_auth_file` read as Docker writes it (node-runtime §6.3).
struct RegistryCredentialsTests {
    func header(_ file: JSONValue, registry: String) throws -> JSONValue? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).json").path
        try JSONWriter.write(file).write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        guard let value = RegistryCredentials.header(for: registry, file: path) else { return nil }
        let standard = value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let data = try #require(Data(base64Encoded: standard))
        return try JSONParser.parse(String(decoding: data, as: UTF8.self))
    }

    @Test func authFieldOfTheMatchingRegistry() throws {
        let file: JSONValue = ["auths": [
            "registry.example:5000": ["auth": .string(Data("alice:pa:ss".utf8).base64EncodedString())],
            "other.example": ["auth": .string(Data("bob:x".utf8).base64EncodedString())],
        ]]
        let sent = try header(file, registry: "registry.example:5000")
        #expect(sent?["username"] == "alice" && sent?["password"] == "pa:ss" && sent?["serveraddress"] == "registry.example:5000")
        #expect(try header(file, registry: "unlisted.example") == nil)
    }

    @Test func dockerHubAndURLKeysAndTokens() throws {
        let hub: JSONValue = ["auths": ["https://index.docker.io/v1/": ["username": "carol", "password": "pw"]]]
        #expect(try header(hub, registry: "docker.io")?["username"] == "carol")
        let token: JSONValue = ["auths": ["https://registry.example": ["identitytoken": "tok"]]]
        #expect(try header(token, registry: "registry.example")?["identitytoken"] == "tok")
        let empty: JSONValue = ["auths": ["registry.example": [:]]]
        #expect(try header(empty, registry: "registry.example") == nil, "an entry without credentials sends nothing")
    }

    @Test func missingOrBrokenFileSendsNothing() {
        #expect(RegistryCredentials.header(for: "registry.example", file: nil) == nil)
        #expect(RegistryCredentials.header(for: "registry.example", file: "/nonexistent/auth.json") == nil)
    }
}
