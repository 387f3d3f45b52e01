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
        /// Nothing at the path, or the file that replaced the one read was taken from the
        /// destination before it could be put back: someone else took it.
        case vanished
        /// Another file was at the path (renamed over the one that was read): it is back in the
        /// inbox, at this path (suffixed only if yet another file took the name meanwhile), to be
        /// read and journaled on its own.
        case replaced(RelativePath)
    }

    /// Moves `path`, if it still names the file `expected` when that is given.
    ///
    /// The file is checked after the rename, when it can no longer change under the name: checked
    /// before, a file renamed over `path` between the check and the rename would be moved out in
    /// place of the one that was read, and never be read itself. A file that is not the expected
    /// one is put back into the inbox, where it is read as any new file.
    @discardableResult
    public func move(_ path: RelativePath, to destination: Destination, expected: FileIdentity? = nil) throws(SystemError) -> MoveResult {
        let target = destination == .processed ? processed : rejected
        guard let moved = try rename(path, in: inbox, to: target, as: path) else { return .vanished }
        touched.append((inbox, path.parent))
        touched.append((target, moved.parent))
        guard let expected, !(try target.identity(of: moved.bytes)).isSameFile(as: expected) else { return .moved(moved) }
        // Under its name, or suffixed if yet another file has taken the name meanwhile.
        guard let back = try rename(moved, in: target, to: inbox, as: path) else { return .vanished }
        touched.append((inbox, back.parent))
        return .replaced(back)
    }

    /// Renames `source` in `base` to `name` in `target`, or to `name` suffixed when it is taken;
    /// the name it got, or nil when nothing is at `source`.
    private func rename(
        _ source: RelativePath, in base: FileDescriptor, to target: FileDescriptor, as name: RelativePath
    ) throws(SystemError) -> RelativePath? {
        if let parent = name.parent { try makeDirectories(parent, in: target) }
        var candidate = name
        for attempt in 1...10_000 {
            do {
                try base.renameNoReplace(source.bytes, to: target, candidate.bytes)
                return candidate
            } catch where error.errno == EEXIST {
                candidate = Self.suffixed(name, attempt)
            } catch where error.errno == ENOENT {
                return nil
            }
        }
        throw SystemError("rename", path: source.description, errno: EEXIST)
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
