import Glibc

/// `gzip -dc` of one file, read through a pipe: the rotated journals logrotate compressed
/// (`journal.jsonl.2.gz` and older). gzip runs as a child process, so that no compression library
/// is linked into ingestd for files read once.
///
/// Blocking: read it from a thread of its own, never from Swift's cooperative pool.
public final class GunzipStream {
    public let path: String
    /// The pipe gzip writes the decompressed bytes to (for a ``LineReader``); closed by
    /// ``finish()`` or ``cancel()``.
    public let output: FileDescriptor
    private var child: pid_t = 0
    private var reaped = false

    /// Starts `gzip -dc` on `path`.
    public init(path: String) throws(SystemError) {
        self.path = path
        let file = try FileDescriptor.currentDirectory.open(path, flags: O_RDONLY | O_CLOEXEC)
        defer { file.close() }
        var ends: [Int32] = [-1, -1]
        _ = try retryingInterrupts("pipe") { pipe(&ends) }
        // Not inherited by other children: only gzip gets the write end (as its stdout).
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, file.rawValue, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        let names: [String] = ["gzip", "-dc"]
        let arguments = names.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&child, "/bin/gzip", &actions, nil, arguments, environ)
        Glibc.close(ends[1])
        output = FileDescriptor(rawValue: ends[0])
        guard spawned == 0 else {
            output.close()
            reaped = true
            throw SystemError("posix_spawn /bin/gzip", path: path, errno: spawned)
        }
    }

    deinit { cancel() }

    /// Reads decompressed bytes; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        guard !reaped else { return 0 }
        return try output.read(into: buffer)
    }

    /// After the end: waits for gzip and throws when it failed (a damaged or truncated file).
    public func finish() throws(SystemError) {
        guard let status = close() else { return }
        guard status == 0 else { throw SystemError("gzip -dc", path: path, errno: EIO) }
    }

    /// Stops reading before the end: gzip gets SIGPIPE and is waited for.
    public func cancel() {
        _ = close()
    }

    /// Closes the pipe and reaps gzip; its wait status, or nil when already done.
    private func close() -> Int32? {
        guard !reaped else { return nil }
        output.close()
        reaped = true
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
