import Foundation

/// What `marvin dev` shows, written at once (not buffered by stdio) so that a pipe or a log
/// sees each line as it happens.
enum DevOutput {
    static let terminal = isatty(STDOUT_FILENO) == 1

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data(((terminal ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    /// A line that the next output replaces (terminals only).
    static func transient(_ text: String) {
        guard terminal else { return }
        FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
    }
}
