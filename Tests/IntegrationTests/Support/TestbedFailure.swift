/// A component of an integration test could not be brought up or did not answer as it must;
/// the text says which and why.
struct TestbedFailure: Error, CustomStringConvertible {
    let description: String
}
