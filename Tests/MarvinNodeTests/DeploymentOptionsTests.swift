import MarvinCore
import Testing

@testable import MarvinNode

/// Strict option checks (node-runtime §6.2), scenarios 38–45: a bad value fails the task by
/// the option's name and never repeats the value.
@Suite struct DeploymentOptionsTests {
    static func validate(_ options: [String: JSONValue], script: String? = "registry.local/exp:1", process: Bool = false, configure: (inout NodeConfig) -> Void = { _ in }) -> String? {
        var config = NodeConfig()
        configure(&config)
        switch DeploymentOptions.validate(options, script: script ?? options["script"]?.stringValue, config: config, processRuntime: process) {
        case .success: return nil
        case .failure(let refusal): return refusal.statusText
        }
    }

    @Test func scenario038_shellSyntaxInStorage() {
        let text = Self.validate(["storage": "$(reboot)"])
        #expect(text == "failed; invalid deployment option storage")
        #expect(text?.contains("$") == false)
    }

    @Test func scenario039_integerRule() {
        for bad: JSONValue in ["a[$(id)]", -5, .double(10.5), .double(1e7), "0x10", " 100", "100 ", "", true, 2_000_000_000, ["x": 1]] {
            #expect(Self.validate(["storage": bad]) == "failed; invalid deployment option storage", "storage \(bad)")
        }
        for bad: JSONValue in ["a[$(id)]", -5, .double(10.5), "0x10", true, 4_000_000_000] {
            #expect(Self.validate(["traffic": bad]) == "failed; invalid deployment option traffic", "traffic \(bad)")
        }
        for good: JSONValue in ["10000000", 10_000_000, 0, .null] {
            #expect(Self.validate(["storage": good, "traffic": good]) == nil, "\(good)")
        }
        var config = NodeConfig()
        let defaults = try? DeploymentOptions.validate(["storage": 0], script: "x/y", config: config, processRuntime: false).get()
        #expect(defaults?.storage == 10_000_000, "0 means results.default_storage")
        config.traffic.defaultQuota = 5
        #expect((try? DeploymentOptions.validate([:], script: "x/y", config: config, processRuntime: false).get())?.traffic == 5)
    }

    @Test func scenario040_imageReference() {
        #expect(Self.validate([:], script: "repo/x;$(reboot)") == "failed; invalid deployment option script")
        #expect(Self.validate([:], script: "Repo/X") == "failed; invalid deployment option script")
        for good in ["registry.local/exp:1", "localhost:5000/team/ping", "monroe/base:complete", "a__b/c-d--e.f:TAG_1.0",
                     "127.0.0.1:5000/x@sha256:" + String(repeating: "a", count: 64)] {
            #expect(ImageReference(good)?.description == good, "\(good)")
        }
        for bad in ["", "a//b", "-a/b", "a/b:", "a/b:-x", "a/b@sha256:abc", String(repeating: "a", count: 256), "a_/b", "UPPER"] {
            #expect(ImageReference(bad) == nil, "\(bad)")
        }
        #expect(ImageReference("registry.local:5000/exp:1")?.registryName == "registry.local:5000")
        #expect(ImageReference("team/exp")?.registryName == "docker.io")
        #expect(Self.validate([:], script: "exp-ok", process: true) == nil, "a bare program name for the process runtime")
        #expect(Self.validate([:], script: "../bin/sh", process: true) == "failed; invalid deployment option script")
    }

    @Test func scenario041_booleanRule() {
        #expect(Self.validate(["vm": 2]) == "failed; invalid deployment option vm")
        let options = try? DeploymentOptions.validate(["restart": "0"], script: "x/y", config: NodeConfig(), processRuntime: false).get()
        #expect(options?.restart == false)
        for good: JSONValue in [true, false, 0, 1, "0", "1", "true", "false", .null] {
            #expect(Self.validate(["neat": good, "shared": good]) == nil || Self.validate(["neat": good]) == "failed; option neat is not supported on this node")
        }
        #expect(Self.validate(["shared": "yes"]) == "failed; invalid deployment option shared")
    }

    @Test func scenario042_oversizedOptions() {
        #expect(Self.validate(["custom": .string(String(repeating: "x", count: 70_000))]) == "failed; invalid deployment options")
    }

    @Test func scenario043_invalidEduroam() {
        for identity in ["with\"quote", "with\nnewline", "", String(repeating: "a", count: 100)] {
            let text = Self.validate(["_eduroam": ["identity": .string(identity), "hash": "password"]]) { $0.eduroam.enabled = true }
            #expect(text == "failed; invalid deployment option _eduroam")
            #expect(identity.isEmpty || text?.contains(identity) == false)
        }
        #expect(Self.validate(["_eduroam": ["identity": "user@example.org", "hash": "hash:0123456789abcdef0123456789ABCDEF"]]) { $0.eduroam.enabled = true } == nil)
        #expect(Self.validate(["_eduroam": ["identity": "user@example.org", "hash": "a pass word"]]) { $0.eduroam.enabled = true } == nil)
    }

    @Test func scenario045_unsupportedFeatures() {
        #expect(Self.validate(["vm": 1]) { $0.vm.enabled = false } == "failed; option vm is not supported on this node")
        #expect(Self.validate(["neat": 1]) == "failed; option neat is not supported on this node")
        #expect(Self.validate(["ssh": ["server": "tb.example"]]) { $0.sshDebug.enabled = false } == "failed; option ssh is not supported on this node")
        #expect(Self.validate(["ssh": ["server": "tb.example"]]) == nil)
        #expect(Self.validate(["ssh": "on"]) == "failed; invalid deployment option ssh")
        #expect(Self.validate(["_eduroam": ["identity": "u", "hash": "p"]]) { $0.eduroam.enabled = false }
            == "failed; option _eduroam is not supported on this node")
    }

    @Test func scenario036_registryAllowList() {
        #expect(Self.validate([:], script: "evil.example/x:1") { $0.deploy.allowedRegistries = ["registry.local"] }
            == "failed; container image not allowed on this node")
        #expect(Self.validate([:], script: "registry.local/x:1") { $0.deploy.allowedRegistries = ["registry.local"] } == nil)
    }

    /// §15.4: hidden values at any depth are redacted from printed options and scrubbed from text.
    @Test func hiddenValuesAreRedactedAndScrubbed() {
        let options: [String: JSONValue] = ["_ssh": ["private": "SECRET-SSH-1"], "_token": "SECRET-TOK-2", "nested": ["_deep": "SECRET-DEEP"], "foo": "bar", "_pin": 1234]
        let redaction = Redaction(options: options)
        #expect(redaction.scrub("a SECRET-SSH-1 b SECRET-TOK-2 c SECRET-DEEP d 1234") == "a [redacted] b [redacted] c [redacted] d [redacted]")
        let shown = JSONWriter.write(Redaction.redacted(.object(options)))
        #expect(!shown.contains("SECRET") && shown.contains("bar"))
        #expect(Redaction(options: ["_short": "abc"]).scrub("abc") == "abc", "values shorter than 4 characters are not scrubbed")
    }
}
