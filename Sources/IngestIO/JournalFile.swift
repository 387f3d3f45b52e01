import Glibc
import IngestCore
import Logging

/// The append-only journal on disk.
///
/// ``load(path:logger:replay:)`` reads it at start, repairing a torn last line; ``append(_:)`` adds
/// a batch of lines and makes them durable with one fdatasync (group commit); ``reopen()`` starts
/// writing to whatever file is at the path now (after logrotate moved the old one away).
public final class JournalFile {
    public let path: String
    private var descriptor: FileDescriptor
    /// The journal's length after the last append: what a checkpoint covers.
    public private(set) var length: Int
    /// Which file is open: the path may point elsewhere after a rotation.
    public private(set) var identity: FileIdentity


    /// Where a previous run's checkpoint says reading can resume.
    public struct ResumePoint: Sendable {
        public var identity: FileIdentity
        public var offset: Int

        public init(identity: FileIdentity, offset: Int) {
            self.identity = identity
            self.offset = offset
        }
    }

    private init(path: String, descriptor: FileDescriptor, length: Int, identity: FileIdentity) {
        self.path = path
        self.descriptor = descriptor
        self.length = length
        self.identity = identity
    }

    /// What loading found.
    public struct LoadReport: Sendable {
        public var records = 0
        /// Where reading started: a checkpoint's offset, or 0.
        public var resumedAt = 0
        /// Bytes cut off the end as a torn line, and where they were saved.
        public var cutBytes = 0
        public var savedTo: String?
        /// The highest seq in the cut bytes, so that it is never reused.
        public var highestCutSeq: UInt64?
        /// Lines (1-based) that are not records and were skipped.
        public var invalidLines: [Int] = []
    }

    /// Opens the journal at `path` for appending (creating it), after passing the records in it to
    /// `replay` and repairing a torn end. With a `resume` point for this same file, only the records
    /// after its offset are read; otherwise the whole file is.
    public static func load(
        path: String, resume: ResumePoint? = nil, logger: Logger, replay: (JournalEntry) -> Void
    ) throws(SystemError) -> (JournalFile, LoadReport) {
        let descriptor = try FileDescriptor.currentDirectory.open(
            path, flags: O_RDWR | O_APPEND | O_CREAT, mode: 0o640)
        do {
            try syncParentDirectory(of: path)
            let info = try descriptor.status()
            let start = try resumeOffset(descriptor, FileIdentity(info), size: Int(info.st_size), resume)
            let report = try scan(descriptor, path: path, from: start, replay: replay)
            if report.cutBytes > 0 {
                logger.warning(
                    "Cut a torn line off the end of the journal (a crash interrupted a write); the cut bytes are saved aside.",
                    metadata: ["journal": "\(path)", "bytes": "\(report.cutBytes)", "saved_to": "\(report.savedTo ?? "")"])
            }
            if !report.invalidLines.isEmpty {
                logger.error(
                    "The journal has lines that are not records; they were skipped. Check it with `ingestd verify`.",
                    metadata: ["journal": "\(path)", "lines": "\(report.invalidLines.prefix(10))"])
            }
            let length = Int(try descriptor.status().st_size)
            return (JournalFile(path: path, descriptor: descriptor, length: length, identity: FileIdentity(info)), report)
        } catch {
            descriptor.close()
            throw error
        }
    }

    /// How long the last successful append's fdatasync took (for the metrics).
    public private(set) var lastSyncDuration: Duration = .zero

    /// Appends whole lines and waits until they are on stable storage. On failure the journal is
    /// cut back to where it was, so it never keeps part of a line, and the error is thrown.
    public func append(_ lines: [UInt8]) throws(SystemError) {
        // The current size, not a remembered one: someone may have truncated the file.
        let before = Int(try descriptor.status().st_size)
        do {
            try descriptor.writeAll(lines)
            let started = ContinuousClock.now
            try descriptor.dataSync()
            lastSyncDuration = .now - started
            length = before + lines.count
        } catch {
            try? descriptor.truncate(to: before)
            throw error
        }
    }

    /// Closes the journal and opens the file now at `path`, creating it if it was moved away.
    public func reopen() throws(SystemError) {
        let fresh = try FileDescriptor.currentDirectory.open(path, flags: O_RDWR | O_APPEND | O_CREAT, mode: 0o640)
        let info: stat
        do {
            info = try fresh.status()
        } catch {
            fresh.close()
            throw error
        }
        try? Self.syncParentDirectory(of: path)
        descriptor.close()
        descriptor = fresh
        length = Int(info.st_size)
        identity = FileIdentity(info)
    }

    public func close() {
        descriptor.close()
    }

    /// The checkpoint's offset when it is for this file and falls just after a whole line; else 0.
    private static func resumeOffset(
        _ descriptor: FileDescriptor, _ identity: FileIdentity, size: Int, _ resume: ResumePoint?
    ) throws(SystemError) -> Int {
        guard let resume, resume.identity == identity, resume.offset > 0, resume.offset <= size else { return 0 }
        var byte: UInt8 = 0
        let got = try retryingInterrupts("read") { pread(descriptor.rawValue, &byte, 1, off_t(resume.offset - 1)) }
        return got == 1 && byte == UInt8(ascii: "\n") ? resume.offset : 0
    }

    private static func scan(
        _ descriptor: FileDescriptor, path: String, from start: Int, replay: (JournalEntry) -> Void
    ) throws(SystemError) -> LoadReport {
        var scanner = JournalScanner()
        var report = LoadReport()
        report.resumedAt = start
        var offset = off_t(start)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try retryingInterrupts("read", path: path) {
                chunk.withUnsafeMutableBytes { pread(descriptor.rawValue, $0.baseAddress, $0.count, offset) }
            }
            if count == 0 { break }
            offset += off_t(count)
            for entry in scanner.feed(chunk[..<count]) {
                replay(entry)
                report.records += 1
            }
        }
        let plan = scanner.finish()
        report.invalidLines = plan.invalidLines
        report.highestCutSeq = plan.highestCutSeq
        if plan.needsRepair {
            report.cutBytes = plan.cut
            report.savedTo = try saveAside(descriptor, path: path, from: start + plan.keep, count: plan.cut)
            try descriptor.truncate(to: start + plan.keep)
            try descriptor.dataSync()
        }
        return report
    }

    /// Copies the bytes about to be cut into `<journal>.torn-<seconds since epoch>`.
    private static func saveAside(_ descriptor: FileDescriptor, path: String, from offset: Int, count: Int) throws(SystemError) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try retryingInterrupts("read", path: path) {
            bytes.withUnsafeMutableBytes { pread(descriptor.rawValue, $0.baseAddress, count, off_t(offset)) }
        }
        bytes.removeLast(count - got)
        var sidePath = "\(path).torn-\(time(nil))"
        var attempt = 0
        while true {
            do {
                let side = try FileDescriptor.currentDirectory.open(sidePath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o640)
                defer { side.close() }
                try side.writeAll(bytes)
                try side.sync()
                try syncParentDirectory(of: path)
                return sidePath
            } catch where error.errno == EEXIST {
                attempt += 1
                sidePath = "\(path).torn-\(time(nil))-\(attempt)"
            }
        }
    }

    static func syncParentDirectory(of path: String) throws(SystemError) {
        let parent = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let directory = try FileDescriptor.currentDirectory.open(parent.isEmpty ? "/" : parent, flags: O_RDONLY | O_DIRECTORY)
        defer { directory.close() }
        try directory.sync()
    }
}
