extension Duration {
    /// The duration as fractional seconds, for figures and wall-clock arithmetic.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
