import Testing

@testable import MarvinCore

/// Fingerprints, status codes, options, scripts, recurrence and the JSON codec.
@Suite struct WireRulesTests {
    @Test func fingerprints() {
        let upper = Array(repeating: "BB", count: 20).joined(separator: ":")
        #expect(Fingerprint.normalise(" \(upper) ") == String(repeating: "b", count: 40))
        #expect(Fingerprint.normalise("xyz") == nil)
        #expect(Fingerprint.normalise(String(repeating: "g", count: 40)) == nil)
    }

    @Test func statusCodes() {
        #expect(TaskStatus(" failed ; x ").text == "failed ; x")
        #expect(TaskStatus("failed ; x").code == .failed)
        #expect(TaskStatus("stopped; by user").isFinal)
        #expect(TaskStatus("redeployed").code == nil)
        #expect(TaskStatus("").codeText == "")
        #expect(!TaskStatus("delayed; insufficient disk space").isFinal)
    }

    @Test func optionsDecoding() throws {
        #expect(try ExperimentOptions(decoding: .string("storage=100&traffic=200")).values == ["storage": "100", "traffic": "200"])
        #expect(try ExperimentOptions(decoding: .string("{\"storage\": 100}")).values == ["storage": 100])
        #expect(try ExperimentOptions(decoding: nil).values.isEmpty)
        #expect(throws: ExperimentOptions.Unparsable.self) { try ExperimentOptions(decoding: .string("a&b")) }
        #expect(throws: ExperimentOptions.Unparsable.self) { try ExperimentOptions(decoding: .string("a=b=c")) }
        #expect(throws: ExperimentOptions.Unparsable.self) { try ExperimentOptions(decoding: .string("[1]")) }
        #expect(throws: ExperimentOptions.Unparsable.self) { try ExperimentOptions(decoding: .int(3)) }
    }

    @Test func optionsValidation() throws {
        #expect(throws: ExperimentOptions.Invalid.notNonNegativeInteger("storage")) { try ExperimentOptions(["storage": -5]).validate() }
        #expect(throws: ExperimentOptions.Invalid.nodes) { try ExperimentOptions(["nodes": "1) OR 1=1 --"]).validate() }
        #expect(try ExperimentOptions(["nodes": [4, "3", 4]]).validate().preselection == [4, 3])
        #expect(try ExperimentOptions(["nodes": " 1, 2,,3 "]).validate().preselection == [1, 2, 3])
        for falsy: JSONValue in [nil, false, 0, "0", "false", " No ", "off", ""] {
            #expect(!ExperimentOptions.isTruthy(falsy), "\(falsy)")
        }
        #expect(ExperimentOptions.isTruthy(1))
        #expect(ExperimentOptions.isTruthy("yes"))
        let options = ExperimentOptions(["_secret": "s", "recurrence": "simple", "period": "3600", "storage": "100", "foo": "bar"])
        let validated = try options.validate()
        #expect(options.schedulingOptions(validated) == ["recurrence": "simple", "period": 3600, "storage": 100])
        #expect(options.deploymentOptions(script: "s") == ["_secret": "s", "storage": "100", "foo": "bar", "script": "s"])
        #expect(HiddenOptions.redacted(options.values)["_secret"] == nil)
    }

    @Test func scriptURLs() {
        #expect(ScriptURL.isWellFormed("docker.monroe-system.eu/monroe/ping:latest"))
        #expect(ScriptURL.isWellFormed("https://docker.monroe-system.eu/x@sha256:ab"))
        #expect(!ScriptURL.isWellFormed("docker.monroe-system.eu/x;reboot"))
        #expect(!ScriptURL.isWellFormed("docker.monroe-system.eu/$(id)"))
        #expect(!ScriptURL.isWellFormed(""))
        #expect(ScriptURL.isTrusted("https://Docker.Monroe-System.eu/x", registry: "docker.monroe-system.eu"))
        #expect(!ScriptURL.isTrusted("docker.monroe-system.eu.evil.com/x:1", registry: "docker.monroe-system.eu"))
        #expect(ScriptURL.isTrusted("anything/x", registry: ""))
    }

    @Test func recurrence() throws {
        let policy = SchedulingPolicy()
        let now: Int64 = 1_772_452_800
        let starts = try Recurrence.starts(
            start: 1_772_456_400, duration: 600, recurrence: "simple", period: 3600, until: 1_772_464_200, now: now, policy: policy)
        #expect(starts == [1_772_456_400, 1_772_460_000, 1_772_463_600])
        #expect(try Recurrence.starts(start: 5, duration: 600, recurrence: 0, period: 0, until: nil, now: now, policy: policy) == [5])
        #expect(throws: Recurrence.Rejected(reason: "Unsupported recurrence scheme")) {
            try Recurrence.starts(start: 5, duration: 600, recurrence: "weekly", period: 0, until: nil, now: now, policy: policy)
        }
    }

    @Test func jsonRoundTrip() throws {
        let text = #"{"a": [1, 2.5, true, null, "x\u00e9\n"], "b": {"c": -7}}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"] == [1, .double(2.5), true, nil, "xé\n"])
        #expect(try JSONParser.parse(JSONWriter.write(value)) == value)
        #expect(JSONValue.double(5.0).integerValue == 5)
        #expect(JSONValue.double(5.5).integerValue == nil)
        #expect(JSONValue.string(" +7 ").integerValue == 7)
        #expect(JSONValue.bool(true).integerValue == nil)
        for broken in ["{\"name\": ", "[1,]", "01", "\"\\x\"", "{\"a\" 1}", "nul"] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(broken) }
        }
    }

    @Test func calendar() {
        #expect(UTCCalendar.firstOfNextMonth(after: 1_772_452_800) == 1_775_001_600)
        #expect(UTCCalendar.firstOfNextMonth(after: 1_798_675_200) == 1_798_761_600)  // 2026-12-31 → 2027-01-01
        #expect(UTCCalendar.isoText(1_772_453_300) == "2026-03-02T12:08:20")
    }
}

/// The node-report transitions of §6.2.
@Suite struct StatusTransitionTests {
    @Test func reports() {
        #expect(NodeStatusReport(current: TaskStatus("requested"), reported: "started") == .apply(TaskStatus("started"), finalises: false))
        #expect(NodeStatusReport(current: TaskStatus("started"), reported: "delayed; retry") == .apply(TaskStatus("delayed; retry"), finalises: false))
        #expect(NodeStatusReport(current: TaskStatus("started"), reported: " failed ; x ") == .apply(TaskStatus("failed ; x"), finalises: true))
        #expect(NodeStatusReport(current: TaskStatus("finished"), reported: "failed") == .keep)
        #expect(NodeStatusReport(current: TaskStatus("finished"), reported: "started") == .refuse("Status finished cannot be reset."))
        #expect(NodeStatusReport(current: TaskStatus("defined"), reported: "requested") == .refuse("Status requested cannot be set by a node."))
        #expect(NodeStatusReport(current: TaskStatus("defined"), reported: "bogus") == .refuse("Unknown status code (bogus)."))
        #expect(TaskCode.defined.withdrawal == .canceled)
        #expect(TaskCode.restarted.withdrawal == .aborted)
    }
}
