import Logging

/// Which runtime runs non-VM tasks (`runtime.container`, node-runtime §2.3).
enum RuntimeChoice {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    static func make(config: NodeConfig, logger: Logger) -> Result<any TaskRuntime, Unavailable> {
        switch config.runtime.container {
        case "process":
            return .success(ProcessRuntime(directory: config.runtime.processDirectory))
        default:
            return .failure(Unavailable(description: "runtime \(config.runtime.container) is not available in this build"))
        }
    }
}
