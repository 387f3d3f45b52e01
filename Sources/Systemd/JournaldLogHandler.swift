import CSystemd
import Glibc
import Logging

/// A swift-log handler that sends each message to the systemd journal with its priority and
/// fields (sd_journal_sendv(3)), so that `journalctl -u ingestd -p err` shows the errors and
/// `journalctl INGESTD_FILE=a.txt` the messages about one file.
///
/// Fields: `MESSAGE` (the message, then its metadata as `key=value`), `PRIORITY` (syslog's 0–7),
/// `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, `ERRNO` from the `errno`
/// metadata, and each other metadata key as `INGESTD_<KEY>` (upper case, other characters as
/// `_`): `file` is `INGESTD_FILE`, `seq` is `INGESTD_SEQ`.
///
/// Use it when ``JournalStream/isStandardError`` says stderr goes to the journal anyway: the
/// plain lines would lose their priority and fields there.
public struct JournaldLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let identifier: String

    public init(identifier: String, logLevel: Logger.Level = .info) {
        self.identifier = identifier
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        Self.send(Self.fields(level: event.level, message: event.message.description, metadata: merged,
                              identifier: identifier, file: event.file, function: event.function, line: event.line))
    }

    /// The journal's fields for one message, as `NAME=value` strings.
    static func fields(level: Logger.Level, message: String, metadata: Logger.Metadata, identifier: String,
                       file: String, function: String, line: UInt) -> [String] {
        let keys = metadata.keys.sorted()
        let rendered = keys.map { "\($0)=\(metadata[$0]!)" }.joined(separator: " ")
        var fields = [
            "MESSAGE=" + (rendered.isEmpty ? message : message + " " + rendered),
            "PRIORITY=\(priority(level))",
            "SYSLOG_IDENTIFIER=" + identifier,
            "CODE_FILE=" + file,
            "CODE_LINE=\(line)",
            "CODE_FUNC=" + function,
        ]
        for key in keys { fields.append(fieldName(key) + "=\(metadata[key]!)") }
        return fields
    }

    /// syslog's priorities, which journalctl -p filters on.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// `errno` → `ERRNO`; any other key → `INGESTD_` and the key in upper case, with characters
    /// the journal does not take in names as `_`, at most 64 characters.
    static func fieldName(_ key: String) -> String {
        guard key != "errno" else { return "ERRNO" }
        let name = key.uppercased().unicodeScalars.map { ("A"..."Z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" }
        return String(("INGESTD_" + String(name)).prefix(64))
    }

    /// One sd_journal_sendv call; a field may hold newlines. Nothing to do if journald is gone:
    /// stderr, where the message would go instead, is its socket too.
    private static func send(_ fields: [String]) {
        // The fields back to back in one buffer, each vector pointing at its own.
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = buffer.count
            buffer += field.utf8
            ranges.append(start..<buffer.count)
        }
        buffer.withUnsafeMutableBytes { bytes in
            let vectors = ranges.map { iovec(iov_base: bytes.baseAddress! + $0.lowerBound, iov_len: $0.count) }
            _ = sd_journal_sendv(vectors, Int32(vectors.count))
        }
    }
}

/// Whether a standard stream is connected to the journal: systemd sets `JOURNAL_STREAM` to the
/// device and inode of the stream it connects stdout and stderr to (systemd.exec(5)); they
/// match only while the stream is still that one.
public enum JournalStream {
    /// Whether stderr goes to the journal.
    public static var isStandardError: Bool {
        guard let value = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return matches(value, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Whether `JOURNAL_STREAM`'s `device:inode` names this device and inode.
    static func matches(_ value: String, device: UInt64, inode: UInt64) -> Bool {
        let parts = value.split(separator: ":")
        guard parts.count == 2, let streamDevice = UInt64(parts[0]), let streamInode = UInt64(parts[1]) else { return false }
        return streamDevice == device && streamInode == inode
    }
}
