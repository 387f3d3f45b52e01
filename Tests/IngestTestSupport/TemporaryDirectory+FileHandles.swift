import IngestIO

extension TemporaryDirectory {
    /// Whether the file system under /tmp gives file handles (name_to_handle_at(2)). Without them
    /// (overlayfs) ingestd cannot tell a file that got a freed inode number from the file that had
    /// it, a limit the README states; the tests of that are skipped there.
    public static let fileSystemHasHandles = (try? FileDescriptor.currentDirectory.handleDigest(of: Array("/tmp".utf8))) != nil
}
