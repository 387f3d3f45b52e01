import Glibc
import IngestCore

/// Moves handled files out of the inbox into processed/ or rejected/, keeping their relative path
/// and name, with a numeric suffix when the name is taken (`report.txt` → `report.1.txt`).
///
/// Renames are made durable by syncing the directories involved (``syncDirectories()``), which the
/// caller does for many moves at once, not once per file.
public final class FileMover {
    public enum Destination: Sendable { case processed, rejected }

    private let inbox: FileDescriptor
    private let processed: FileDescriptor
    private let rejected: FileDescriptor
    private var touched: [(FileDescriptor, RelativePath?)] = []

    public init(inbox: FileDescriptor, processed: FileDescriptor, rejected: FileDescriptor) {
        self.inbox = inbox
        self.processed = processed
        self.rejected = rejected
    }

    public enum MoveResult: Sendable, Equatable {
        /// Moved; the path relative to the destination, with a suffix if the name was taken.
        case moved(RelativePath)
        /// Nothing at the path: someone else took it.
        case vanished
        /// Another file is at the path now (renamed over the one that was read): left alone, to
        /// be read and journaled on its own.
        case replaced
    }

    /// Moves `path`, if it still names the file `expected` when that is given.
    @discardableResult
    public func move(_ path: RelativePath, to destination: Destination, expected: FileIdentity? = nil) throws(SystemError) -> MoveResult {
        if let expected {
            do {
                guard FileIdentity(try inbox.status(of: path.bytes)) == expected else { return .replaced }
            } catch where error.errno == ENOENT {
                return .vanished
            }
        }
        let target = destination == .processed ? processed : rejected
        if let parent = path.parent { try makeDirectories(parent, in: target) }
        var candidate = path
        for attempt in 1...10_000 {
            do {
                try inbox.renameNoReplace(path.bytes, to: target, candidate.bytes)
                touched.append((inbox, path.parent))
                touched.append((target, candidate.parent))
                return .moved(candidate)
            } catch where error.errno == EEXIST {
                candidate = Self.suffixed(path, attempt)
            } catch where error.errno == ENOENT {
                return .vanished
            }
        }
        throw SystemError("rename", path: path.description, errno: EEXIST)
    }

    /// fsyncs every directory a move since the last call touched.
    public func syncDirectories() throws(SystemError) {
        var seen = Set<TouchedDirectory>()
        let pending = touched
        touched.removeAll()
        for (base, directory) in pending {
            guard seen.insert(TouchedDirectory(base: base, path: directory)).inserted else { continue }
            let fd = try base.open(directory?.bytes ?? Array(".".utf8), flags: O_RDONLY | O_DIRECTORY)
            defer { fd.close() }
            try fd.sync()
        }
    }

    private struct TouchedDirectory: Hashable {
        var base: FileDescriptor
        var path: RelativePath?
    }

    /// `name.ext` → `name.N.ext`; `name` → `name.N`.
    static func suffixed(_ path: RelativePath, _ number: Int) -> RelativePath {
        let name = path.lastComponent
        let suffix = Array(".\(number)".utf8)
        let dot = name.lastIndex(of: UInt8(ascii: ".")).flatMap { $0 > 0 ? $0 : nil }
        let renamed = dot.map { Array(name[..<$0]) + suffix + Array(name[$0...]) } ?? name + suffix
        return path.parent.map { $0.appending(renamed) } ?? RelativePath(bytes: renamed)
    }

    private func makeDirectories(_ path: RelativePath, in base: FileDescriptor) throws(SystemError) {
        if let parent = path.parent { try makeDirectories(parent, in: base) }
        try base.makeDirectory(path.bytes)
    }
}
