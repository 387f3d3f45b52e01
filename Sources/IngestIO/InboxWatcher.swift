import Glibc
import IngestCore
import Logging

/// Something that happened in the inbox, in terms of paths relative to it.
public enum InboxChange: Sendable, Equatable {
    /// A file was closed after writing or moved in: it is complete.
    case completed(RelativePath)
    /// A name appeared without being written (a hard link, a FIFO, a socket, a symbolic link, or a
    /// file that is being written now); look at it to decide.
    case created(RelativePath)
    /// A directory was created or moved in: watch it and ingest what it holds.
    case directory(RelativePath)
    /// The kernel dropped events: rescan everything.
    case overflow
    /// The inbox itself was deleted or moved away.
    case inboxRemoved
}

/// Watches the inbox and every directory below it with inotify and lists what is already there.
///
/// A directory is watched first and listed second, so that a file arriving in between is seen at
/// least once (by the event or by the listing); the caller drops the second sighting.
public final class InboxWatcher {
    public let inbox: FileDescriptor
    private let inboxPath: [UInt8]
    private let inotify: Inotify
    private let logger: Logger
    private var directories: [Int32: RelativePath] = [:]
    private var rootWatch: Int32 = -1

    static let rootMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF)
        | UInt32(IN_EXCL_UNLINK) | UInt32(IN_ONLYDIR)
    static let subdirectoryMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
        | UInt32(IN_EXCL_UNLINK) | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW)

    /// Starts watching `inboxPath` (whose directory is open as `inbox`).
    public init(inboxPath: String, inbox: FileDescriptor, logger: Logger) throws(SystemError) {
        self.inbox = inbox
        self.inboxPath = Array(inboxPath.utf8)
        self.logger = logger
        inotify = try Inotify()
        rootWatch = try inotify.addWatch(self.inboxPath, mask: Self.rootMask)
        directories[rootWatch] = RelativePath(bytes: [])
    }

    /// Starts the one reader of the watch's events (see ``InotifyReader``): raw events, as the
    /// kernel reports them, for ``interpret(_:)``. Stop it before ``close()``.
    public func startReading(
        isBusy: @escaping @Sendable () -> Bool, deliver: @escaping @Sendable ([InotifyEvent]) -> Void
    ) throws(SystemError) -> InotifyReader {
        try InotifyReader(inotify, isBusy: isBusy, deliver: deliver)
    }

    /// Closes the inotify descriptor; its reader must have been stopped.
    public func close() { inotify.close() }

    /// Whether the inbox path still names the directory being watched. Deleting it sends no
    /// inotify event while ingestd holds it open, so this is checked rather than awaited.
    public var inboxIsIntact: Bool {
        guard let open = try? inbox.status(), open.st_nlink > 0,
              // Followed like the open was: the inbox path may be a link to the real directory.
              let named = try? FileDescriptor.currentDirectory.status(of: inboxPath, followingLinks: true)
        else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// Number of directories watched, the inbox included.
    public var watchedDirectories: Int { directories.count }

    /// Watches `directory` and every directory below it, then returns the files found there, in
    /// name order. A directory that has vanished is not an error; a watch that cannot be added is
    /// logged as an error (its files are still listed, but later arrivals there would be missed).
    public func watchTree(_ directory: RelativePath) -> [RelativePath] {
        if !directory.bytes.isEmpty {
            do {
                let watch = try inotify.addWatch(inboxPath + [UInt8(ascii: "/")] + directory.bytes, mask: Self.subdirectoryMask)
                directories[watch] = directory
            } catch where error.errno == ENOENT || error.errno == ENOTDIR {
                return []
            } catch {
                logWatchFailure(directory, error)
            }
        }
        let entries: [DirectoryEntry]
        do {
            entries = try inbox.listDirectory(directory.bytes)
        } catch where error.errno == ENOENT || error.errno == ENOTDIR {
            return []
        } catch {
            logger.error("Cannot list a directory in the inbox; its files wait until the next rescan.",
                         metadata: ["directory": "\(directory)"].merging(.describing(error)) { $1 })
            return []
        }
        var files: [RelativePath] = []
        for entry in entries.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) })
        where !InboxNamePolicy.isIgnored(entry.name) {
            let path = directory.appending(entry.name)
            if entry.isDirectory { files += watchTree(path) } else { files.append(path) }
        }
        return files
    }

    /// Translates raw events into inbox changes, in order.
    public func interpret(_ events: [InotifyEvent]) -> [InboxChange] {
        var changes: [InboxChange] = []
        for event in events {
            if let change = interpret(event) { changes.append(change) }
        }
        return changes
    }

    private func interpret(_ event: InotifyEvent) -> InboxChange? {
        if event.has(IN_Q_OVERFLOW) { return .overflow }
        if event.has(IN_IGNORED) {
            directories[event.watch] = nil
            return event.watch == rootWatch ? .inboxRemoved : nil
        }
        if event.watch == rootWatch && (event.has(IN_DELETE_SELF) || event.has(IN_MOVE_SELF)) { return .inboxRemoved }
        guard let directory = directories[event.watch], !event.name.isEmpty,
            !InboxNamePolicy.isIgnored(event.name)
        else { return nil }
        let path = directory.appending(event.name)
        if event.has(IN_ISDIR) { return event.has(IN_CREATE) || event.has(IN_MOVED_TO) ? .directory(path) : nil }
        if event.has(IN_CLOSE_WRITE) || event.has(IN_MOVED_TO) { return .completed(path) }
        if event.has(IN_CREATE) { return .created(path) }
        return nil
    }

    private func logWatchFailure(_ directory: RelativePath, _ error: SystemError) {
        let advice = error.errno == ENOSPC
            ? "The inotify watch limit is reached; raise fs.inotify.max_user_watches (sysctl) and restart ingestd."
            : "New files in it will not be noticed until a restart."
        logger.error("Cannot watch a directory in the inbox. \(advice)",
                     metadata: ["directory": "\(directory)"].merging(.describing(error)) { $1 })
    }
}
