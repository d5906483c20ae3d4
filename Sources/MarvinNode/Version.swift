/// The version marvind reports (`marvind version`, `User-Agent`).
public enum MarvinNodeVersion {
    public static let version = "0.1.0"
}
