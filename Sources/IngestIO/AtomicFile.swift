import Glibc

/// Replaces a file's content all at once: readers see the old file or the new one, never a
/// part of it, also after a crash.
public enum AtomicFile {
    /// Writes `bytes` to `path.tmp` with exactly `mode`, syncs it, and renames it over `path`;
    /// with `syncingDirectory`, the rename itself is made durable too.
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t, syncingDirectory: Bool) throws(SystemError) {
        let temporary = path + ".tmp"
        let file = try FileDescriptor.currentDirectory.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: mode)
        do {
            try file.setMode(mode)
            try file.writeAll(bytes)
            try file.sync()
        } catch {
            file.close()
            throw error
        }
        file.close()
        _ = try retryingInterrupts("rename", path: temporary) { rename(temporary, path) }
        if syncingDirectory { try JournalFile.syncParentDirectory(of: path) }
    }
}
