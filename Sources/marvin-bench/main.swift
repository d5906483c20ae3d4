import ArgumentParser

/// `marvin-bench`: performance benchmarks of the Marvin components. They print figures next to
/// their targets; they are never tests and never fail because a target is missed.
struct MarvinBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marvin-bench",
        abstract: "Performance benchmarks of the Marvin components.",
        subcommands: [CtldBenchmark.self])
}

// Top-level code would pick the synchronous `main()`; parse and run the async command by hand.
do {
    var command = try MarvinBench.parseAsRoot()
    if var benchmark = command as? AsyncParsableCommand {
        try await benchmark.run()
    } else {
        try command.run()
    }
} catch {
    MarvinBench.exit(withError: error)
}
