import Glibc
import IngestCore

/// Reads a journal's records in order, from a seq on, and keeps following it as it grows and
/// is rotated.
///
/// At the first read it finds where that seq is: in `journal.jsonl`, or in a rotated journal
/// (`journal.jsonl.1`, left uncompressed by logrotate's `delaycompress`, then
/// `journal.jsonl.2.gz` and older, read through `gzip -dc`). It reads from the newest file that
/// starts at or before the seq, then each newer one, then what is appended later; when the
/// journal is rotated, the rest of the old file, then the new one.
///
/// Blocking: call it from a thread of its own, never from Swift's cooperative pool.
public final class JournalFollower {
    /// One record: its seq, event and content id, its article's title and body (articles only),
    /// and its line as written (no newline).
    public struct Record: Sendable, Equatable {
        public let seq: UInt64
        public let event: JournalRecord.Event
        public let id: ContentID?
        public let article: Article?
        public let line: [UInt8]
    }

    public let path: String
    /// The files still to read, oldest first, the journal itself last; nil until the first read.
    private var sources: [String]?
    private var file: Source?
    private var unfinished: [UInt8] = []
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var ready: [Record] = []
    /// Lines that are not records (`ingestd verify` finds them); they are skipped.
    public private(set) var skippedLines = 0

    /// The file being read: a plain one (the journal, or a rotation not yet compressed), read at
    /// an offset so that what is appended later is found; or a compressed one, read to its end.
    private enum Source {
        case plain(FileDescriptor, FileIdentity, offset: Int)
        case compressed(GunzipStream)
    }

    public init(path: String) {
        self.path = path
    }

    deinit {
        close()
        chunk.deallocate()
    }

    /// Up to `limit` records with seqs above `seq`, oldest first; empty when no more are
    /// journaled yet.
    public func next(after seq: UInt64, limit: Int) throws(SystemError) -> [Record] {
        if sources == nil { sources = Self.sources(for: path, after: seq) }
        ready.removeAll { $0.seq <= seq }
        while ready.count < limit {
            if try readMore(after: seq) > 0 { continue }
            guard try moveOn() else { break }
        }
        let batch = Array(ready.prefix(limit))
        ready.removeFirst(batch.count)
        return batch
    }

    /// Reads the next chunk of the current file; the bytes read (0 at its end).
    private func readMore(after seq: UInt64) throws(SystemError) -> Int {
        if file == nil, let first = sources?.first { try open(first) }
        let count: Int
        switch file {
        case .plain(let descriptor, let identity, let offset):
            count = try descriptor.read(into: chunk, at: offset)
            file = .plain(descriptor, identity, offset: offset + count)
        case .compressed(let stream):
            count = try stream.read(into: chunk)
        case nil:
            return 0
        }
        guard count > 0 else { return 0 }
        unfinished += UnsafeRawBufferPointer(rebasing: chunk[..<count])
        var start = 0
        while let newline = unfinished[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(unfinished[start..<newline])
            start = newline + 1
            guard let entry = JournalEntry(line: line) else {
                skippedLines += 1
                continue
            }
            if entry.seq > seq { ready.append(Record(seq: entry.seq, event: entry.event, id: entry.id, article: entry.article, line: line)) }
        }
        unfinished.removeFirst(start)
        return count
    }

    /// At the end of the current file: on to the next source, or to the journal that replaced
    /// it when it was rotated. False when there is nothing more to read for now.
    private func moveOn() throws(SystemError) -> Bool {
        if let sources, sources.count > 1 {
            if case .compressed(let stream) = file { try stream.finish() }
            self.sources = Array(sources.dropFirst())
            try open(sources[1])
            return true
        }
        guard case .plain(_, let identity, _) = file,
              let now = try? FileDescriptor.currentDirectory.status(of: Array(path.utf8), followingLinks: true),
              FileIdentity(now) != identity
        else { return false }
        // Rotated: what was written to the old file before the rotation has been read.
        try open(path)
        return true
    }

    private func open(_ source: String) throws(SystemError) {
        close()
        unfinished.removeAll()
        if source.hasSuffix(".gz") {
            file = .compressed(try GunzipStream(path: source))
            return
        }
        let descriptor = try FileDescriptor.currentDirectory.open(source, flags: O_RDONLY | O_CLOEXEC)
        do {
            file = .plain(descriptor, FileIdentity(try descriptor.status()), offset: 0)
        } catch {
            descriptor.close()
            throw error
        }
    }

    private func close() {
        switch file {
        case .plain(let descriptor, _, _): descriptor.close()
        case .compressed(let stream): stream.cancel()
        case nil: break
        }
        file = nil
    }

    // MARK: - Where a seq is

    /// The files to read for the records after `seq`, oldest first: from the newest file whose
    /// first record is at or before `seq + 1`, so that rotated journals already shipped are not
    /// read again; all of them when none is (records before the oldest were deleted).
    public static func sources(for path: String, after seq: UInt64) -> [String] {
        let all = rotations(of: path) + [path]
        for index in all.indices.reversed() {
            if let first = firstSeq(of: all[index]), first <= seq + 1 { return Array(all[index...]) }
        }
        return all
    }

    /// `journal.jsonl.N[.gz]` … `journal.jsonl.1[.gz]`, oldest first, as logrotate numbers them.
    static func rotations(of path: String) -> [String] {
        var found: [String] = []
        for number in 1... {
            let plain = "\(path).\(number)"
            if access(plain, F_OK) == 0 {
                found.append(plain)
            } else if access(plain + ".gz", F_OK) == 0 {
                found.append(plain + ".gz")
            } else {
                break
            }
        }
        return found.reversed()
    }

    /// The seq of a file's first line (its first bytes are enough: `{"seq":123,…`); nil when
    /// the file is empty, cannot be read, or does not start with a record.
    static func firstSeq(of path: String) -> UInt64? {
        var head = [UInt8](repeating: 0, count: 64)
        let count: Int? = head.withUnsafeMutableBytes { buffer in
            if path.hasSuffix(".gz") {
                guard let stream = try? GunzipStream(path: path) else { return nil }
                defer { stream.cancel() }
                var filled = 0
                while filled < buffer.count, let read = try? stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])), read > 0 {
                    filled += read
                }
                return filled
            }
            guard let descriptor = try? FileDescriptor.currentDirectory.open(path, flags: O_RDONLY | O_CLOEXEC) else { return nil }
            defer { descriptor.close() }
            return try? descriptor.read(into: buffer, at: 0)
        }
        guard let count, count > 0 else { return nil }
        return JournalScanner.leadingSeq(head[..<count])
    }
}
