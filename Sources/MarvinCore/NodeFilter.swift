import Foundation

/// The `nodetypes` filter (§5.7): comma-separated terms (AND), each an optionally negated
/// OR-group of `tag:value` alternatives.
public struct NodeFilter: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public var negated: Bool
        public var alternatives: [Tag]
        public init(negated: Bool, alternatives: [Tag]) {
            self.negated = negated
            self.alternatives = alternatives
        }
    }

    public struct Tag: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public enum ParseError: Error, Equatable, Sendable {
        /// The offending alternative, trimmed, without a leading `-`.
        case notTagValue(String)

        public var message: String {
            switch self {
            case .notTagValue(let alternative):
                return "nodetype expression could not be parsed. '\(alternative)' is not of the form tag:value."
            }
        }
    }

    public var terms: [Term]

    public init(terms: [Term] = []) { self.terms = terms }

    public init(parsing text: String) throws(ParseError) {
        var terms: [Term] = []
        for rawTerm in text.split(separator: ",", omittingEmptySubsequences: false) {
            var term = rawTerm.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            let negated = term.hasPrefix("-")
            if negated { term = String(term.dropFirst()) }
            var alternatives: [Tag] = []
            for rawAlternative in term.split(separator: "|", omittingEmptySubsequences: false) {
                let alternative = rawAlternative.trimmingCharacters(in: .whitespaces)
                guard let colon = alternative.firstIndex(of: ":") else { throw .notTagValue(alternative) }
                let name = alternative[..<colon].trimmingCharacters(in: .whitespaces)
                let value = alternative[alternative.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, !value.isEmpty else { throw .notTagValue(alternative) }
                alternatives.append(Tag(name: name, value: value))
            }
            terms.append(Term(negated: negated, alternatives: alternatives))
        }
        self.terms = terms
    }

    /// True when every term matches the node's tags.
    public func matches(_ tags: [String: String]) -> Bool {
        terms.allSatisfy { term in
            let hit = term.alternatives.contains { tags[$0.name] == $0.value }
            return term.negated ? !hit : hit
        }
    }

    /// Does the filter require exactly `name:value` through a positive single-alternative term?
    public func requires(_ tag: Tag) -> Bool {
        terms.contains { !$0.negated && $0.alternatives == [tag] }
    }

}
