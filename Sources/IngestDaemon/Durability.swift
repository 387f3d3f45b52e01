import IngestCore

/// When moves out of the inbox are made durable, how far the move marker may go, and when the
/// index may be checkpointed: the rules that keep every file to one record across a crash.
///
/// - The marker says the files of all records up to its seq have left the inbox for good, so it
///   never passes a record whose file could not be moved, nor one from before the last stop whose
///   file may still be in the inbox.
/// - Records before a checkpoint are not replayed at start, so a checkpoint is taken only when no
///   such record is left and the moves are durable.
struct Durability {
    /// The first seq whose file could not be moved.
    private(set) var firstFailedMove: UInt64?
    /// The last seq whose file was handed to the mover since the directories were last synced.
    private(set) var unsyncedThrough: UInt64?
    private(set) var syncedAt: ContinuousClock.Instant
    private(set) var checkpointedSeq: UInt64
    let checkpointInterval: UInt64

    init(checkpointedSeq: UInt64, checkpointInterval: UInt64, now: ContinuousClock.Instant = .now) {
        self.checkpointedSeq = checkpointedSeq
        self.checkpointInterval = checkpointInterval
        syncedAt = now
    }

    /// Moves up to `seq` were handed over.
    mutating func handedOver(through seq: UInt64) {
        unsyncedThrough = seq
    }

    mutating func moveFailed(_ seq: UInt64) {
        firstFailedMove = min(firstFailedMove ?? seq, seq)
    }

    /// Moves are made durable at most once a second during a burst.
    func isSyncDue(now: ContinuousClock.Instant) -> Bool { now - syncedAt >= .seconds(1) }

    /// A sync of the directories starts; the marker to write once it succeeded, if any: the last
    /// seq handed over, but not past `lowestUnmovedSeq` (a record from before the last stop whose
    /// file has not been seen) or a failed move.
    mutating func syncStarted(lowestUnmovedSeq: UInt64?, now: ContinuousClock.Instant = .now) -> UInt64? {
        syncedAt = now
        guard let last = unsyncedThrough else { return nil }
        let limit = [firstFailedMove, lowestUnmovedSeq].compactMap { $0.map { $0 - 1 } }.min() ?? .max
        return min(last, limit)
    }

    /// The sync succeeded and the marker was written.
    mutating func synced() {
        unsyncedThrough = nil
    }

    func isCheckpointDue(nextSeq: UInt64) -> Bool { nextSeq - checkpointedSeq >= checkpointInterval }

    /// Whether a checkpoint may be taken now.
    func allowsCheckpoint(unmovedIsEmpty: Bool) -> Bool { unmovedIsEmpty && firstFailedMove == nil }

    mutating func checkpointed(nextSeq: UInt64) {
        checkpointedSeq = nextSeq
    }
}
