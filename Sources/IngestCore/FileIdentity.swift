/// Which file a path named when it was read: device and inode numbers. A file renamed over it
/// afterwards has another identity, so a later move by name can tell it is not the file it read.
public struct FileIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}
