import ArgumentParser
import Foundation
import Logging
import MarvinController

// marvinctld: argument parsing and wiring only (§9.1). Exit codes: 0 success, 1 rejected,
// 2 usage error, 3 configuration or database cannot be opened.

var arguments = Array(CommandLine.arguments.dropFirst())
let explicitConfig = CommandLineConfig.extract(from: &arguments)

do {
    let command = try Marvinctld.parseAsRoot(arguments)
    guard let runnable = command as? CtldCommand else {
        print(Marvinctld.helpMessage())
        exit(0)
    }
    try await runnable.execute(config: CommandLineConfig(explicitPath: explicitConfig ?? runnable.legacyConfigPath))
    exit(0)
} catch let error as AdminRejection {
    FileHandle.standardError.write(Data((error.message + "\n").utf8))
    exit(1)
} catch let error as ConfigError {
    FileHandle.standardError.write(Data("marvinctld: \(error.description)\n".utf8))
    exit(3)
} catch let error as UsageError {
    FileHandle.standardError.write(Data("marvinctld: \(error.message)\n".utf8))
    exit(2)
} catch {
    let code = Marvinctld.exitCode(for: error)
    if code == .success {
        print(Marvinctld.fullMessage(for: error))
        exit(0)
    }
    FileHandle.standardError.write(Data((Marvinctld.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
