import Foundation
import Glibc

/// Counts the journal's lines as they are appended, waking on inotify rather than polling.
final class JournalWatch {
    private let path: String
    private let inotify: Int32
    private var offset: off_t = 0
    private(set) var lines = 0

    init(path: String) {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        inotify = inotify_init1(Int32(IN_CLOEXEC))
        inotify_add_watch(inotify, path, UInt32(IN_MODIFY))
        countNewLines()
    }

    deinit { close(inotify) }

    /// Blocks until the journal holds at least `count` lines; false after `timeout` seconds.
    func wait(until count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var descriptor = pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)
        var events = [UInt8](repeating: 0, count: 4096)
        while lines < count {
            guard Date() < deadline else { return false }
            if poll(&descriptor, 1, 50) > 0 {
                _ = events.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            }
            countNewLines()
        }
        return true
    }

    private func countNewLines() {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard count > 0 else { return }
            lines += buffer[..<count].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            offset += off_t(count)
        }
    }
}
