import CIngestShims
import Glibc
import IngestCore

/// An open file descriptor with the few operations ingestd needs, each a thin wrapper over one
/// system call that throws ``SystemError``. Closing is explicit.
public struct FileDescriptor: Sendable, Hashable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The current working directory, for paths relative to it.
    public static let currentDirectory = FileDescriptor(rawValue: AT_FDCWD)

    /// openat(2) of `path` relative to this directory, with O_CLOEXEC added.
    public func open(_ path: [UInt8], flags: Int32, mode: mode_t = 0, displayPath: String? = nil) throws(SystemError) -> FileDescriptor {
        let fd = try retryingInterrupts("open", path: displayPath ?? String(decoding: path, as: UTF8.self)) {
            path.withCString { openat(rawValue, $0, flags | O_CLOEXEC, mode) }
        }
        return FileDescriptor(rawValue: fd)
    }

    public func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(SystemError) -> FileDescriptor {
        try open(Array(path.utf8), flags: flags, mode: mode, displayPath: path)
    }

    /// fstatat(2); a final symbolic link is not followed unless `followingLinks`.
    public func status(of path: [UInt8], followingLinks: Bool = false) throws(SystemError) -> stat {
        var info = stat()
        let flags = followingLinks ? 0 : AT_SYMLINK_NOFOLLOW
        _ = try retryingInterrupts("stat", path: String(decoding: path, as: UTF8.self)) {
            path.withCString { fstatat(rawValue, $0, &info, flags) }
        }
        return info
    }

    /// fstat(2).
    public func status() throws(SystemError) -> stat {
        var info = stat()
        _ = try retryingInterrupts("fstat") { fstat(rawValue, &info) }
        return info
    }

    /// Reads until end of file, but no more than `limit` bytes. `sizeHint` (the size fstat
    /// reported) sizes the buffer so that a file is usually read in one call plus one for EOF.
    public func readAll(limit: Int, sizeHint: Int = 0) throws(SystemError) -> [UInt8] {
        var capacity = max(1, min(limit, sizeHint > 0 ? sizeHint + 1 : 64 * 1024))
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        defer { buffer.deallocate() }
        var count = 0
        while count < limit {
            if count == capacity {
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(capacity * 2, limit), alignment: 1)
                larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                buffer.deallocate()
                buffer = larger
                capacity = larger.count
            }
            let got = try retryingInterrupts("read") { Glibc.read(rawValue, buffer.baseAddress! + count, capacity - count) }
            if got == 0 { break }
            count += got
            // As long as fstat said: done, without one more read to see the end.
            if count == sizeHint { break }
        }
        return Array(buffer[..<count])
    }

    /// Reads what is there, up to the buffer's size: 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try retryingInterrupts("read") { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// pread(2): what is there at `offset`, up to the buffer's size; 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemError) -> Int {
        try retryingInterrupts("pread") { pread(rawValue, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// Writes all of `bytes`, continuing after short writes.
    public func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = try retryingInterrupts("write") {
                bytes.withUnsafeBytes { Glibc.write(rawValue, $0.baseAddress! + offset, $0.count - offset) }
            }
            offset += written
        }
    }

    /// fdatasync(2): the file's data (and its size) is on stable storage.
    public func dataSync() throws(SystemError) {
        _ = try retryingInterrupts("fdatasync") { fdatasync(rawValue) }
    }

    /// fsync(2); for a directory, makes the names created or renamed in it durable.
    public func sync() throws(SystemError) {
        _ = try retryingInterrupts("fsync") { fsync(rawValue) }
    }

    /// fchmod(2): the exact mode, whatever the umask made of the one given to open.
    public func setMode(_ mode: mode_t) throws(SystemError) {
        _ = try retryingInterrupts("fchmod") { fchmod(rawValue, mode) }
    }

    public func truncate(to length: Int) throws(SystemError) {
        _ = try retryingInterrupts("ftruncate") { ftruncate(rawValue, off_t(length)) }
    }

    /// mkdirat(2); an existing directory is not an error.
    public func makeDirectory(_ path: [UInt8], mode: mode_t = 0o755) throws(SystemError) {
        do {
            _ = try retryingInterrupts("mkdir", path: String(decoding: path, as: UTF8.self)) {
                path.withCString { mkdirat(rawValue, $0, mode) }
            }
        } catch where error.errno == EEXIST {
            return
        }
    }

    /// renameat2(2) with RENAME_NOREPLACE: fails with EEXIST rather than replace `newPath`.
    public func renameNoReplace(_ oldPath: [UInt8], to newDirectory: FileDescriptor, _ newPath: [UInt8]) throws(SystemError) {
        _ = try retryingInterrupts("rename", path: String(decoding: oldPath, as: UTF8.self)) {
            oldPath.withCString { old in
                newPath.withCString { new in cingest_rename_noreplace(rawValue, old, newDirectory.rawValue, new) }
            }
        }
    }

    public func close() {
        // Linux closes the descriptor even when close reports EINTR; retrying could close another.
        _ = Glibc.close(rawValue)
    }
}

extension Array where Element == UInt8 {
    /// Calls `body` with these bytes as a NUL-terminated C string.
    func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        var terminated = self
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count, body)
        }
    }
}
