import ArgumentParser

/// `marvin-bench`: performance benchmarks of the Marvin components. They print figures next to
/// their targets; they are never tests and never fail because a target is missed.
struct MarvinBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marvin-bench",
        abstract: "Performance benchmarks of the Marvin components.",
        subcommands: [CtldBenchmark.self, NodeBenchmark.self, ReplayBenchmark.self])

    /// Top-level code would resolve `main()` to the synchronous overload, which runs only the
    /// help text; inside an async function the async `main` is chosen.
    static func mainAsync() async {
        await main(nil)
    }
}

await MarvinBench.mainAsync()
