import Glibc
import IngestCore

/// Reads a journal's records in order, from a seq on, and keeps following it as it grows and
/// is rotated: the records of `journal.jsonl.1` (logrotate's last rotation, left uncompressed by
/// `delaycompress`) first, then those of `journal.jsonl`, then those appended later; when the
/// journal is rotated, the rest of the old file, then the new one.
///
/// Blocking: call it from a thread of its own, never from Swift's cooperative pool.
public final class JournalFollower {
    /// One record: its seq, event and content id, and its line as written (no newline).
    public struct Record: Sendable, Equatable {
        public let seq: UInt64
        public let event: JournalRecord.Event
        public let id: ContentID?
        public let line: [UInt8]
    }

    public let path: String
    private var sources: [String]
    private var file: (descriptor: FileDescriptor, identity: FileIdentity, offset: Int)?
    private var unfinished: [UInt8] = []
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var ready: [Record] = []
    /// Lines that are not records (`ingestd verify` finds them); they are skipped.
    public private(set) var skippedLines = 0

    public init(path: String) {
        self.path = path
        let rotated = path + ".1"
        sources = (access(rotated, F_OK) == 0 ? [rotated] : []) + [path]
    }

    deinit {
        file?.descriptor.close()
        chunk.deallocate()
    }

    /// Up to `limit` records with seqs above `seq`, oldest first; empty when no more are
    /// journaled yet.
    public func next(after seq: UInt64, limit: Int) throws(SystemError) -> [Record] {
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
        if file == nil { try open(sources[0]) }
        guard var current = file else { return 0 }
        let count = try current.descriptor.read(into: chunk, at: current.offset)
        guard count > 0 else { return 0 }
        current.offset += count
        file = current
        unfinished += UnsafeRawBufferPointer(rebasing: chunk[..<count])
        var start = 0
        while let newline = unfinished[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(unfinished[start..<newline])
            start = newline + 1
            guard let entry = JournalEntry(line: line) else {
                skippedLines += 1
                continue
            }
            if entry.seq > seq { ready.append(Record(seq: entry.seq, event: entry.event, id: entry.id, line: line)) }
        }
        unfinished.removeFirst(start)
        return count
    }

    /// At the end of the current file: on to the next source, or to the journal that replaced
    /// it when it was rotated. False when there is nothing more to read for now.
    private func moveOn() throws(SystemError) -> Bool {
        if sources.count > 1 {
            sources.removeFirst()
            try open(sources[0])
            return true
        }
        guard let current = file, let now = try? FileDescriptor.currentDirectory.status(of: Array(path.utf8), followingLinks: true),
              FileIdentity(now) != current.identity
        else { return false }
        // Rotated: what was written to the old file before the rotation has been read.
        try open(path)
        return true
    }

    private func open(_ source: String) throws(SystemError) {
        file?.descriptor.close()
        file = nil
        unfinished.removeAll()
        let descriptor = try FileDescriptor.currentDirectory.open(source, flags: O_RDONLY | O_CLOEXEC)
        do {
            file = (descriptor, FileIdentity(try descriptor.status()), 0)
        } catch {
            descriptor.close()
            throw error
        }
    }
}
