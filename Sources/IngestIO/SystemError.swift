import Glibc
import Logging

/// A failed system call: which call, on which path, and the errno, readable by a person.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system call, e.g. "open".
    public let call: String
    /// The path it was about, when there is one.
    public let path: String?
    public let errno: Int32

    public init(_ call: String, path: String? = nil, errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    /// e.g. `open "inbox/a.txt": Permission denied (EACCES)`.
    public var description: String {
        let subject = path.map { "\(call) \"\($0)\"" } ?? call
        return "\(subject): \(message) (\(name))"
    }

    /// The C library's text for the errno.
    public var message: String { String(cString: strerror(errno)) }

    /// The errno's symbolic name, e.g. "ENOSPC".
    public var name: String { Self.names[errno] ?? "errno \(errno)" }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF", EAGAIN: "EAGAIN",
        ENOMEM: "ENOMEM", EACCES: "EACCES", EEXIST: "EEXIST", EXDEV: "EXDEV", ENOTDIR: "ENOTDIR",
        EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE", EMFILE: "EMFILE", EFBIG: "EFBIG",
        ENOSPC: "ENOSPC", EROFS: "EROFS", ENAMETOOLONG: "ENAMETOOLONG", ELOOP: "ELOOP",
        EDQUOT: "EDQUOT", ENXIO: "ENXIO", ENOTEMPTY: "ENOTEMPTY", ESTALE: "ESTALE",
    ]
}

/// Runs a system call that returns -1 and sets errno on failure, retrying on EINTR.
@inline(__always)
func retryingInterrupts<Result: BinaryInteger>(
    _ call: String, path: @autoclosure () -> String? = nil, _ body: () -> Result
) throws(SystemError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Glibc.errno
        if error != EINTR { throw SystemError(call, path: path(), errno: error) }
    }
}

extension Logger.Metadata {
    /// `error`: what went wrong; and `errno` when a system call failed, which the journal keeps
    /// as its ERRNO field (see the systemd module's log handler).
    public static func describing(_ error: any Error) -> Logger.Metadata {
        guard let systemError = error as? SystemError else { return ["error": "\(error)"] }
        return ["error": "\(systemError)", "errno": "\(systemError.errno)"]
    }
}
