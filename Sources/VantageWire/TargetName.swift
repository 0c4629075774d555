/// What a target may be called where no campaign numbers it (protocol/SPEC.md §5.6): a platform
/// or host name — ASCII letters, digits, `.`, `_` and `-`, 1 to 64 bytes — so no name carries
/// markup into a page, a chat message or a log.
public enum TargetName {
    /// The longest name.
    public static let maxBytes = 64

    /// Why `name` is not a target name, or nil.
    public static func problem(of name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maxBytes,
              bytes.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || [0x2E, 0x5F, 0x2D].contains($0) }) else {
            return "target '\(LogText.bounded(name, limit: 80))' is not 1 to \(maxBytes) ASCII letters, digits, '.', '_' or '-'"
        }
        return nil
    }
}
