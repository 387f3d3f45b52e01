import CIngestShims
import Glibc
import IngestCore

/// What was found at a path in the inbox.
public enum InboxEntry: Sendable {
    /// A file that was read (or rejected without reading) and analysed.
    case file(FileAnalysis)
    /// A directory: watch and list it instead.
    case directory
    /// Gone before it could be read: someone else took it; not an error.
    case vanished
}

/// Reads files from the inbox without ever following a symbolic link or blocking on a FIFO or
/// device, and without reading more than the size limit.
public struct InboxFileReader: Sendable {
    public let inbox: FileDescriptor
    public let maxBytes: Int
    /// Whether articles get a near-duplicate sketch.
    public let sketched: Bool
    /// The shortest shared passage, for which articles are shingled; nil: not shingled.
    public let passageWords: Int?

    public init(inbox: FileDescriptor, maxBytes: Int, sketched: Bool = true,
                passageWords: Int? = nil) {
        self.inbox = inbox
        self.maxBytes = maxBytes
        self.sketched = sketched
        self.passageWords = passageWords
    }

    /// Reads and analyses the entry at `path`.
    public func read(_ path: RelativePath) -> InboxEntry {
        let info: stat
        do {
            info = try inbox.status(of: path.bytes)
        } catch {
            return vanishedOrRejected(path, error)
        }
        let entry = entry(path, info)
        // Files rejected without being opened are identified by their name.
        guard case .file(var analysis) = entry, analysis.identity == nil else { return entry }
        analysis.identity = FileIdentity(info, generation: try? inbox.handleDigest(of: path.bytes))
        return .file(analysis)
    }

    private func entry(_ path: RelativePath, _ info: stat) -> InboxEntry {
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return readRegularFile(path, size: Int(info.st_size), owned: info.st_uid == geteuid())
        case S_IFLNK: return .file(.rejected(path, .symbolicLink))
        default: return .file(.rejected(path, .notRegularFile(kind: Self.kindName(info.st_mode))))
        }
    }

    /// Whether an entry announced only by its creation should wait for its writer to close it:
    /// a regular file with one link is being written; anything else (a hard link to an existing
    /// file, a FIFO, a socket, a symbolic link) will get no close event and is handled now.
    public func awaitsClose(_ path: RelativePath) -> Bool {
        guard let info = try? inbox.status(of: path.bytes) else { return true }
        return info.st_mode & S_IFMT == S_IFREG && info.st_nlink == 1
    }

    private func readRegularFile(_ path: RelativePath, size: Int, owned: Bool) -> InboxEntry {
        if size > maxBytes { return .file(.rejected(path, .tooLarge(bytes: size, limit: maxBytes), bytes: size)) }
        let file: FileDescriptor
        do {
            file = try open(path, owned: owned)
        } catch {
            return vanishedOrRejected(path, error)
        }
        defer { file.close() }
        do {
            let info = try file.status()
            guard info.st_mode & S_IFMT == S_IFREG else {
                return .file(.rejected(path, .notRegularFile(kind: Self.kindName(info.st_mode))))
            }
            let content = try file.readAll(limit: maxBytes + 1, sizeHint: Int(info.st_size))
            if content.count > maxBytes {
                return .file(.rejected(path, .tooLarge(bytes: Int(info.st_size), limit: maxBytes), bytes: Int(info.st_size)))
            }
            var analysis = FileAnalysis(file: path, content: content, sketched: sketched, passageWords: passageWords)
            analysis.identity = FileIdentity(info, generation: try? file.handleDigest())
            return .file(analysis)
        } catch {
            return .file(.rejected(path, .unreadable(error.description)))
        }
    }

    /// Opens without following a symbolic link and, should the name have been swapped for a FIFO
    /// since the stat, without hanging on it. The daemon's own files are read without updating
    /// their access time: the first read of a new file would otherwise write its inode, a quarter
    /// of the cost of opening and reading a small file. Only a file's owner may ask for that
    /// (O_NOATIME).
    private func open(_ path: RelativePath, owned: Bool) throws(SystemError) -> FileDescriptor {
        let flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY
        guard owned else { return try inbox.open(path.bytes, flags: flags) }
        do {
            return try inbox.open(path.bytes, flags: flags | cingest_o_noatime())
        } catch where error.errno == EPERM {
            // The file changed hands since the stat.
            return try inbox.open(path.bytes, flags: flags)
        }
    }

    private func vanishedOrRejected(_ path: RelativePath, _ error: SystemError) -> InboxEntry {
        switch error.errno {
        case ENOENT, ENOTDIR: return .vanished
        case ELOOP: return .file(.rejected(path, .symbolicLink))
        default: return .file(.rejected(path, .unreadable(error.description)))
        }
    }

    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "FIFO (named pipe)"
        case S_IFSOCK: return "socket"
        case S_IFCHR: return "character device"
        case S_IFBLK: return "block device"
        case S_IFDIR: return "directory"
        case S_IFLNK: return "symbolic link"
        default: return "special file"
        }
    }
}
