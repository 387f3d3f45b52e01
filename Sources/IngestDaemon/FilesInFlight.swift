import IngestCore

/// The inbox's files on their way through the loop: waiting, read ahead, journaled and being
/// moved out, or set aside while an earlier file of the same name is still read or moved (a new
/// version renamed over one whose move waits).
///
/// A path is read again only once the file read before under it has left the inbox: reading it
/// sooner would journal the earlier file twice, or move the new one out in its place.
struct FilesInFlight {
    private var waiting = PendingFiles()
    private var readingAhead = Set<RelativePath>()
    private var moving = Set<RelativePath>()
    private var setAside: [RelativePath] = []

    /// Files waiting in the queue or set aside; files being read ahead are counted by the reader.
    var waitingCount: Int { waiting.count + setAside.count }
    var isQueueEmpty: Bool { waiting.isEmpty }
    var movingCount: Int { moving.count }

    mutating func add(_ paths: [RelativePath]) {
        waiting.add(paths)
    }

    /// Up to `limit` waiting paths to read now, oldest first; paths whose earlier file is still
    /// read or moved are set aside. `waitsForMove` says that one waits for a move, which had
    /// better go ahead now.
    mutating func takeForReading(_ limit: Int) -> (paths: [RelativePath], waitsForMove: Bool) {
        var waitsForMove = false
        while !waiting.isEmpty {
            var free: [RelativePath] = []
            for path in waiting.take(limit) {
                if moving.contains(path) {
                    waitsForMove = true
                    setAside.append(path)
                } else if readingAhead.contains(path) {
                    setAside.append(path)
                } else {
                    free.append(path)
                }
            }
            if !free.isEmpty {
                readingAhead.formUnion(free)
                return (free, waitsForMove)
            }
        }
        return ([], waitsForMove)
    }

    /// The file at `path` was read; it is journaled now, and moved out when `willMove`.
    mutating func finishedReading(_ path: RelativePath, willMove: Bool) {
        readingAhead.remove(path)
        if willMove { moving.insert(path) }
    }

    /// A file journaled before the last stop, found in the inbox, is being moved out.
    mutating func startedMoving(_ path: RelativePath) {
        moving.insert(path)
    }

    /// The moves of `paths` are done: those paths may be read again, and the files set aside for
    /// them go back to the front of the queue.
    mutating func finishedMoving(_ paths: [RelativePath]) {
        moving.subtract(paths)
        guard !setAside.isEmpty else { return }
        var ready: [RelativePath] = [], stillBusy: [RelativePath] = []
        for path in setAside {
            if moving.contains(path) || readingAhead.contains(path) { stillBusy.append(path) } else { ready.append(path) }
        }
        setAside = stillBusy
        waiting.putBack(ready)
    }

    /// A journal write failed: the batch's files (`taken`, in order, then `unread`, the files
    /// read ahead and dropped) go back to the front of the queue, none of them read or moved.
    mutating func journalFailed(taken: [RelativePath], unread: [RelativePath]) {
        moving.subtract(taken)
        readingAhead.removeAll()
        waiting.putBack(taken + unread)
    }
}
