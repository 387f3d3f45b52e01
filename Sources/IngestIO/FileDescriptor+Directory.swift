import Glibc

/// One name in a directory.
public struct DirectoryEntry: Sendable, Equatable {
    public var name: [UInt8]
    public var isDirectory: Bool
}

extension FileDescriptor {
    /// The entries of the directory at `path` (relative to this directory), "." and ".." left out.
    /// A final symbolic link is not followed.
    public func listDirectory(_ path: [UInt8]) throws(SystemError) -> [DirectoryEntry] {
        let display = String(decoding: path, as: UTF8.self)
        let directory = try open(path.isEmpty ? Array(".".utf8) : path,
                                 flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW, displayPath: display)
        guard let stream = fdopendir(directory.rawValue) else {
            let error = SystemError("opendir", path: display, errno: errno)
            directory.close()
            throw error
        }
        defer { closedir(stream) }
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemError("readdir", path: display, errno: errno) }
                return entries
            }
            let name = Self.name(of: entry)
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            let type = entry.pointee.d_type
            let isDirectory = type == UInt8(DT_UNKNOWN)
                ? ((try? directory.status(of: name)).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false)
                : type == UInt8(DT_DIR)
            entries.append(DirectoryEntry(name: name, isDirectory: isDirectory))
        }
    }

    private static func name(of entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
        withUnsafeBytes(of: entry.pointee.d_name) { raw in
            Array(raw.prefix { $0 != 0 })
        }
    }
}
