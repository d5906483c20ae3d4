import Foundation

/// The code of a task status string (§6.1): the text before the first `;`, trimmed.
public enum TaskCode: String, CaseIterable, Sendable {
    case defined, requested, deployed, delayed, started, restarted
    case stopped, finished, failed, canceled, aborted

    /// A final task is over for the scheduler: it no longer blocks its node.
    public var isFinal: Bool {
        switch self {
        case .stopped, .finished, .failed, .canceled, .aborted: return true
        default: return false
        }
    }

    /// Codes only the server may set (§6.2).
    public var isServerOwned: Bool { self == .defined || self == .requested }
}

/// A full status string such as `failed; container exited with code 2`.
public struct TaskStatus: Sendable, Equatable {
    public let text: String

    public init(_ text: String) {
        self.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public init(_ code: TaskCode, reason: String? = nil) {
        self.text = reason.map { "\(code.rawValue); \($0)" } ?? code.rawValue
    }

    /// The code part as written, trimmed (may be unknown).
    public var codeText: String {
        let head = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return head.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var code: TaskCode? { TaskCode(rawValue: codeText) }

    public var isFinal: Bool { code?.isFinal ?? false }
}
