import Foundation

/// What `marvin dev` shows, written at once (not buffered by stdio) so that a pipe or a log
/// sees each line as it happens.
enum DevOutput {
    static let terminal = isatty(STDOUT_FILENO) == 1

    static func line(_ text: String) {
        write((terminal ? "\r\u{1B}[K" : "") + text + "\n")
    }

    /// A line that the next output replaces (terminals only).
    static func transient(_ text: String) {
        guard terminal else { return }
        write("\r\u{1B}[K" + text)
    }

    /// A closed terminal or pipe loses the text, nothing else.
    private static func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }
}
