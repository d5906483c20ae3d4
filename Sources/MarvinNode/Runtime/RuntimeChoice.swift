import Dispatch
import Logging

/// Which runtime runs non-VM tasks (`runtime.container`, node-runtime §2.3).
enum RuntimeChoice {
    /// `auto` (development only) asks the engine once: Docker when it answers, else processes.
    static func make(config: NodeConfig, logger: Logger) async -> any TaskRuntime {
        switch config.runtime.container {
        case "process":
            return ProcessRuntime(directory: config.runtime.processDirectory)
        case "auto":
            let docker = DockerRuntime(config: config, logger: logger)
            if await docker.isAvailable() { return docker }
            logger.info("no container engine on \(config.docker.socket): using the process runtime")
            return ProcessRuntime(directory: config.runtime.processDirectory)
        default:
            return DockerRuntime(config: config, logger: logger)
        }
    }
}

extension RuntimeChoice {
    /// The same from synchronous start-up code.
    static func blocking(config: NodeConfig, logger: Logger) -> any TaskRuntime {
        let box = ResultBox<any TaskRuntime>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.set(await make(config: config, logger: logger))
            done.signal()
        }
        done.wait()
        return box.value!
    }
}
