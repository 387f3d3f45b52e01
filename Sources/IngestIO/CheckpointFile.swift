import Glibc
import IngestCore

/// Reads and atomically replaces the index checkpoint file.
public enum CheckpointFile {
    /// The checkpoint at `path`; nil when there is none. A damaged one is reported as `.damaged`.
    public enum Loaded: Sendable {
        case missing
        case damaged
        case valid(IndexCheckpoint)
    }

    public static func read(_ path: String) -> Loaded {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.currentDirectory.open(path, flags: O_RDONLY)
        } catch {
            return error.errno == ENOENT ? .missing : .damaged
        }
        defer { file.close() }
        guard let info = try? file.status(),
              let bytes = try? file.readAll(limit: Int(info.st_size) + 1, sizeHint: Int(info.st_size)),
              let checkpoint = IndexCheckpoint(decoding: bytes)
        else { return .damaged }
        return .valid(checkpoint)
    }

    /// Writes `checkpoint` to a temporary file, syncs it, renames it over `path` and syncs the
    /// directory: a crash leaves either the old checkpoint or the new one, never a mix.
    public static func write(_ checkpoint: IndexCheckpoint, to path: String) throws(SystemError) {
        try AtomicFile.replace(path, with: checkpoint.encoded(), mode: 0o640, syncingDirectory: true)
    }
}
