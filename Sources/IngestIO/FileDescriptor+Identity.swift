import CIngestShims
import Glibc
import IngestCore

extension FileDescriptor {
    /// The identity of the entry at `path` (a final symbolic link is not followed), with its
    /// generation where it can be had. Not atomic: should `path` be replaced between the two
    /// calls, the result names neither file, which a caller must take as another file.
    public func identity(of path: [UInt8]) throws(SystemError) -> FileIdentity {
        let info = try status(of: path)
        return FileIdentity(info, generation: try? handleDigest(of: path))
    }

    /// name_to_handle_at(2) of `path`, or of this descriptor's file when `path` is empty, digested
    /// to 64 bits; a final symbolic link is not followed. nil where the file system has no
    /// handles (EOPNOTSUPP) or a handle larger than the most the kernel allows (EOVERFLOW).
    public func handleDigest(of path: [UInt8] = []) throws(SystemError) -> UInt64? {
        var digest: UInt64 = 0
        do {
            _ = try retryingInterrupts("name_to_handle_at", path: String(decoding: path, as: UTF8.self)) {
                path.withCString { cingest_handle_digest(rawValue, $0, &digest) }
            }
        } catch where error.errno == EOPNOTSUPP || error.errno == EOVERFLOW {
            return nil
        }
        return digest
    }
}
