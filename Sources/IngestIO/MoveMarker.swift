import Glibc

/// A small file holding the last seq whose file has been moved out of the inbox, so that a start
/// after a crash knows which records' files may still be there (see `UnmovedRecords`).
///
/// Updated with one pwrite per batch and no fsync: it only has to survive the process dying, which
/// it does; after a power loss it may lag, which only widens the set of records checked at start.
public final class MoveMarker {
    private let descriptor: FileDescriptor
    private let path: String
    private static let width = 20

    public init(path: String) throws(SystemError) {
        self.path = path
        descriptor = try FileDescriptor.currentDirectory.open(path, flags: O_RDWR | O_CREAT, mode: 0o640)
    }

    /// The recorded seq; 0 when the file is new or unreadable.
    public func read() -> UInt64 {
        var bytes = [UInt8](repeating: 0, count: Self.width + 1)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor.rawValue, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return 0 }
        return UInt64(String(decoding: bytes[..<count].prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)) ?? 0
    }

    /// Records `seq`, as a fixed-width decimal line overwritten in place.
    public func write(_ seq: UInt64) throws(SystemError) {
        let digits = String(seq)
        let line = Array((String(repeating: "0", count: max(0, Self.width - digits.count)) + digits + "\n").utf8)
        _ = try retryingInterrupts("write", path: path) {
            line.withUnsafeBytes { pwrite(descriptor.rawValue, $0.baseAddress, $0.count, 0) }
        }
    }

    public func close() { descriptor.close() }
}
