import Foundation
import MarvinCore
import Testing

@testable import MarvinCLI

/// The CLI's own rules: where settings come from, the experiment request it sends, times and tables.
@Suite struct CLIRulesTests {
    @Test func settingsComeFromFlagsThenEnvironmentThenFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marvin-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.yaml").path
        try "url: https://file.example.org/v1/\ncert: /file.crt\nkey: /file.key\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try CLIConfiguration.resolve(flags: .init(), environment: [:], file: file)
        #expect(fromFile == CLIConfiguration(url: "https://file.example.org/v1", certificate: "/file.crt", key: "/file.key", ca: nil))
        let fromEnvironment = try CLIConfiguration.resolve(flags: .init(), environment: ["MARVIN_CERT": "/env.crt", "MARVIN_CA": "/env-ca.crt"], file: file)
        #expect(fromEnvironment.certificate == "/env.crt" && fromEnvironment.ca == "/env-ca.crt" && fromEnvironment.key == "/file.key")
        let fromFlags = try CLIConfiguration.resolve(flags: .init(certificate: "/flag.crt"), environment: ["MARVIN_CERT": "/env.crt"], file: file)
        #expect(fromFlags.certificate == "/flag.crt")

        #expect(throws: CLIConfiguration.Problem.self) { try CLIConfiguration.resolve(flags: .init(), environment: [:], file: directory.appendingPathComponent("none").path) }
        try "url: https://x/v1\ncertificate: /x\n".write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try CLIConfiguration.resolve(flags: .init(), environment: [:], file: file)
            Issue.record("an unknown setting is refused")
        } catch {
            #expect(error.description.contains("unknown setting certificate"), "\(error)")
        }
    }

    @Test func experimentRequestBody() throws {
        var request = ExperimentRequest(name: "e", script: "r.example.org/x:1", timing: .fixed(start: 1000, duration: 300))
        request.nodes = [3, 4]
        request.recurrence = (period: 3600, until: 20_000)
        let option = try ExperimentRequest.option("storage=100")
        request.options[option.key] = option.value
        request.options["_token"] = try ExperimentRequest.option("x=a=b").value
        #expect(request.body == [
            "name": "e", "script": "r.example.org/x:1", "nodecount": 1, "nodetypes": "", "interfaceCount": 1, "start": 1000, "duration": 300,
            "options": ["storage": 100, "_token": "a=b", "nodes": "3,4", "recurrence": "simple", "period": 3600, "until": 20_000],
        ])
        #expect(ExperimentRequest(name: "e", script: "s", timing: .firstAvailable(duration: 60)).body["start"] == -1)
        #expect(ExperimentRequest(name: "e", script: "s", timing: .asap(duration: 60)).body["start"] == 0)
        #expect(throws: ExperimentRequest.Invalid.self) { try ExperimentRequest.option("=1") }
    }

    @Test func timesAndTables() throws {
        #expect(try CLITime.parse("+600", now: 1000) == 1600)
        #expect(try CLITime.parse("1772453300") == 1_772_453_300)
        #expect(try CLITime.parse("2026-03-02T12:08:20Z") == 1_772_453_300)
        #expect(throws: CLITime.Invalid.self) { try CLITime.parse("tomorrow") }
        #expect(CLITime.show(1_772_453_300) == "2026-03-02 12:08:20Z")
        var table = TextTable("ID", "NAME", "STATUS")
        table.add("7", "a long name", "active")
        table.add("12", "b", "archived")
        #expect(table.rendered == "ID  NAME         STATUS\n7   a long name  active\n12  b            archived")
    }
}
