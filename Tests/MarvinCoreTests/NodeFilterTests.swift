import Testing

@testable import MarvinCore

/// The filter grammar of §5.7 with the example table over fixture F's tags.
@Suite struct NodeFilterTests {
    static let nodes: [Int: [String: String]] = [
        1: ["type": "deployed", "country": "se", "model": "apu2"],
        2: ["type": "deployed", "country": "no", "model": "apu2"],
        3: ["type": "testing", "country": "se", "model": "apu1"],
        4: ["type": "testing", "country": "es", "model": "apu2"],
    ]

    static func matching(_ text: String) throws -> [Int] {
        let filter = try NodeFilter(parsing: text)
        return nodes.keys.sorted().filter { filter.matches(nodes[$0]!) }
    }

    @Test(arguments: [
        ("", [1, 2, 3, 4]), ("type:deployed", [1, 2]), ("-type:deployed", [3, 4]), ("country:se", [1, 3]),
        ("country:se,-model:apu1", [1]), ("type:testing|country:no", [2, 3, 4]),
        ("type:testing,country:es|country:no,-model:apu2d|model:apu1", [4]), ("type:deployed,", [1, 2]),
        ("model:apu2,-country:no|country:es", [1]), (" type : deployed ", [1, 2]),
    ])
    func exampleTable(filter: String, expected: [Int]) throws {
        #expect(try Self.matching(filter) == expected)
    }

    @Test(arguments: [("deployed", "deployed"), ("type:", "type:"), (":x", ":x"), ("-", ""), ("a:b|", "")])
    func malformed(filter: String, alternative: String) {
        #expect(throws: NodeFilter.ParseError.notTagValue(alternative)) { try NodeFilter(parsing: filter) }
        let message = NodeFilter.ParseError.notTagValue(alternative).message
        #expect(message == "nodetype expression could not be parsed. '\(alternative)' is not of the form tag:value.")
    }

    @Test func valueKeepsLaterColons() throws {
        let filter = try NodeFilter(parsing: "site:lab:2")
        #expect(filter.matches(["site": "lab:2"]))
        #expect(filter.requires(NodeFilter.Tag(name: "site", value: "lab:2")))
    }
}
