import IngestIO

/// An error that stops the daemon, worded for the person who runs it: what happened, to which
/// file, and what to do.
public struct DaemonError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    static func cannotPrepare(_ what: String, _ path: String, _ error: SystemError) -> DaemonError {
        DaemonError("Cannot \(what) \(path): \(error.message) (\(error.name)). Check that the directory exists "
            + "or can be created, and that ingestd's user may write to it.")
    }

    static func differentFileSystems(_ inbox: String, _ other: String) -> DaemonError {
        DaemonError("The inbox \(inbox) and \(other) are on different file systems; files leave the inbox by "
            + "rename, so both must be on one file system. Use --state-dir or --inbox to put them together.")
    }

    static func inboxRemoved(_ inbox: String) -> DaemonError {
        DaemonError("The inbox \(inbox) was deleted or moved away while ingestd watched it; restart ingestd to "
            + "create it again.")
    }
}
