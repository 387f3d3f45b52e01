import Glibc
import IngestCore

extension FileIdentity {
    /// The identity in a stat(2) result.
    public init(_ info: stat) {
        self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
