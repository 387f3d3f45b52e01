import Glibc
import IngestCore

extension FileIdentity {
    /// The identity in a stat(2) result, with the generation when one is given.
    public init(_ info: stat, generation: UInt64? = nil) {
        self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), generation: generation)
    }
}
