/// Which file a path named when it was read. A file renamed over it afterwards is another file, so
/// a later move by name can tell it is not the file that was read.
public struct FileIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    /// A digest of the file system's handle for the inode, which holds the inode's generation;
    /// nil where it could not be had (a file system without handles).
    ///
    /// Device and inode alone are not enough: ext4 gives a freed inode number to the next file
    /// created, so a file renamed over one that was read, replacing it, often has its number.
    public var generation: UInt64?

    public init(device: UInt64, inode: UInt64, generation: UInt64? = nil) {
        self.device = device
        self.inode = inode
        self.generation = generation
    }

    /// Whether both name the same file: same device and inode, and the same generation where both
    /// have one.
    public func isSameFile(as other: FileIdentity) -> Bool {
        guard device == other.device, inode == other.inode else { return false }
        guard let generation, let otherGeneration = other.generation else { return true }
        return generation == otherGeneration
    }
}
