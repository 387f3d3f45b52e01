/// Which names in the inbox are files in progress, never to be ingested.
///
/// rsync and editors write to hidden temporary names and rename when done; browsers and download
/// tools write `*.part`, `*.crdownload`, `*.tmp`; editors leave `*.swp` and `*~`.
public enum InboxNamePolicy {
    static let partialSuffixes: [[UInt8]] = [".part", ".tmp", ".crdownload", ".swp", "~"].map { Array($0.utf8) }

    /// Whether a file or directory with this name (the last path component) is skipped.
    public static func isIgnored(_ name: [UInt8]) -> Bool {
        guard let first = name.first else { return true }
        if first == UInt8(ascii: ".") { return true }
        return partialSuffixes.contains { suffix in
            name.count >= suffix.count && name.suffix(suffix.count).elementsEqual(suffix)
        }
    }
}
