import Glibc
import IngestIO

/// The inbox, processed/ and rejected/ directories, created if missing and held open.
struct StateDirectories {
    let inbox: FileDescriptor
    let processed: FileDescriptor
    let rejected: FileDescriptor

    static func prepare(_ configuration: DaemonConfiguration) throws -> StateDirectories {
        let parentOfJournal = configuration.journal.contains("/")
            ? String(configuration.journal[..<configuration.journal.lastIndex(of: "/")!]) : "."
        if !parentOfJournal.isEmpty { try makeDirectories(parentOfJournal) }
        let inbox = try openDirectory(configuration.inbox)
        let processed = try openDirectory(configuration.processed)
        let rejected = try openDirectory(configuration.rejected)
        let inboxDevice = try device(inbox, configuration.inbox)
        if try device(processed, configuration.processed) != inboxDevice {
            throw DaemonError.differentFileSystems(configuration.inbox, configuration.processed)
        }
        if try device(rejected, configuration.rejected) != inboxDevice {
            throw DaemonError.differentFileSystems(configuration.inbox, configuration.rejected)
        }
        return StateDirectories(inbox: inbox, processed: processed, rejected: rejected)
    }

    private static func openDirectory(_ path: String) throws -> FileDescriptor {
        try makeDirectories(path)
        do {
            return try FileDescriptor.currentDirectory.open(path, flags: O_RDONLY | O_DIRECTORY)
        } catch {
            throw DaemonError.cannotPrepare("open the directory", path, error)
        }
    }

    /// mkdir -p.
    private static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            do {
                try FileDescriptor.currentDirectory.makeDirectory(Array(prefix.utf8), mode: 0o775)
            } catch {
                throw DaemonError.cannotPrepare("create the directory", prefix, error)
            }
            prefix += "/"
        }
    }

    private static func device(_ directory: FileDescriptor, _ path: String) throws -> UInt {
        do {
            return UInt(try directory.status().st_dev)
        } catch {
            throw DaemonError.cannotPrepare("inspect", path, error)
        }
    }
}
