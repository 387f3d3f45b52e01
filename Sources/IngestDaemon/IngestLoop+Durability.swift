import IngestCore
import IngestIO

extension IngestLoop {
    /// Hands a batch's moves over. When every earlier move is done, a due checkpoint is taken, or
    /// else the moves are made durable at most once a second; either waits for this batch's
    /// moves alone. While earlier moves are held back, both wait until the mover has caught up.
    func moveOut(_ moves: [BackgroundMover.Job]) {
        let earlierMovesDone = mover.isIdle
        mover.enqueue(moves)
        if let last = moves.last { durability.handedOver(through: last.seq) }
        guard earlierMovesDone else { return }
        if durability.isCheckpointDue(nextSeq: ingestor.nextSeq) {
            saveCheckpoint(waiting: true)
        } else if durability.isSyncDue(now: .now) {
            syncMoves(waiting: true)
        }
    }

    /// Makes the moves since the last call durable (one fsync per directory touched), then
    /// advances the move marker over them. Done at most once a second during a burst, on ticks
    /// and at stop, rather than per batch: until then a power loss can only bring files back into
    /// the inbox whose records are past the marker, and those are recognised at the next start.
    /// Unless `waiting`, nothing is done while moves are held back or under way (false).
    @discardableResult
    func syncMoves(waiting: Bool) -> Bool {
        guard waiting || mover.isIdle else { return false }
        mover.waitUntilIdle()
        collectMoveReports()
        let marker = durability.syncStarted(lowestUnmovedSeq: unmoved.lowestSeq)
        do {
            try mover.syncDirectories()
            if let marker { try moveMarker.write(marker) }
            durability.synced()
            return true
        } catch {
            logger.error("Could not make the moves out of the inbox durable.", metadata: .describing(error))
            return false
        }
    }

    /// Saves the index with the journal position it covers. A failure costs only restart time:
    /// the journal remains the record. Not while a journaled file may still be in the inbox (left
    /// over from before the last stop, or a move that failed): the next start must replay its
    /// record to recognise that file. Unless `waiting`, not while moves are held back either: the
    /// checkpoint is taken once they are done.
    func saveCheckpoint(waiting: Bool) {
        // Records before the checkpoint are not replayed, so their files must be out of the
        // inbox for good: the moves are made durable first.
        guard durability.allowsCheckpoint(unmovedIsEmpty: unmoved.isEmpty), syncMoves(waiting: waiting) else { return }
        let checkpoint = ingestor.checkpoint(
            journalDevice: journal.identity.device, journalInode: journal.identity.inode,
            journalOffset: UInt64(journal.length))
        do {
            try CheckpointFile.write(checkpoint, to: configuration.checkpoint)
            durability.checkpointed(nextSeq: ingestor.nextSeq)
        } catch {
            logger.warning("Could not save the index checkpoint; the next start replays more of the journal.",
                           metadata: ["checkpoint": "\(configuration.checkpoint)"].merging(.describing(error)) { $1 })
        }
    }
}
