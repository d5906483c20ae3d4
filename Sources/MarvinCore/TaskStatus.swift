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

/// What a node's status report does to its task (§6.2): the transition rules, without storage.
public enum NodeStatusReport: Equatable, Sendable {
    /// Store the new status; `finalises` when it ends the task.
    case apply(TaskStatus, finalises: Bool)
    /// Final to final: nothing changes and the answer is still `Ok.`.
    case keep
    /// Refused with this 400 message.
    case refuse(String)

    public init(current: TaskStatus, reported text: String) {
        let reported = TaskStatus(text)
        guard let code = reported.code else {
            self = .refuse("Unknown status code (\(reported.text)).")
            return
        }
        if current.isFinal {
            self = code.isFinal ? .keep : .refuse("Status \(current.text) cannot be reset.")
        } else if code.isServerOwned {
            self = .refuse("Status \(reported.text) cannot be set by a node.")
        } else {
            self = .apply(reported, finalises: code.isFinal)
        }
    }
}

extension TaskCode {
    /// The code an open task gets when its experiment is deleted (§6.4): never delivered →
    /// `canceled`, otherwise `aborted`.
    public var withdrawal: TaskCode { self == .defined ? .canceled : .aborted }
}
