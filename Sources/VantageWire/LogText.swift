/// Text that came from a peer or a file, made safe to log: control characters replaced and cut
/// to a bounded length, so a hostile peer cannot forge log lines or fill the disk.
public enum LogText {
    /// At most `limit` characters of `text` (then "…"), with control characters as "?".
    public static func bounded(_ text: some StringProtocol, limit: Int = 200) -> String {
        let cleaned = text.prefix(limit).map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false) ? "?" : String($0) }.joined()
        return text.count > limit ? cleaned + "…" : cleaned
    }
}
