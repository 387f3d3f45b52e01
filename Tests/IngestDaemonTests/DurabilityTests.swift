import Testing

@testable import IngestDaemon

@Suite struct DurabilityTests {
    private let start = ContinuousClock.now

    @Test func theMarkerCoversWhatWasHandedOverOnceSynced() {
        var durability = Durability(checkpointedSeq: 1, checkpointInterval: 100, now: start)
        let marker1 = durability.syncStarted(lowestUnmovedSeq: nil, now: start)
        #expect(marker1 == nil)
        durability.handedOver(through: 7)
        let marker2 = durability.syncStarted(lowestUnmovedSeq: nil, now: start)
        #expect(marker2 == 7)
        durability.synced()
        let marker3 = durability.syncStarted(lowestUnmovedSeq: nil, now: start)
        #expect(marker3 == nil)
    }

    @Test func aFailedSyncKeepsTheMovesForTheNextOne() {
        var durability = Durability(checkpointedSeq: 1, checkpointInterval: 100, now: start)
        durability.handedOver(through: 4)
        let marker4 = durability.syncStarted(lowestUnmovedSeq: nil, now: start)
        #expect(marker4 == 4)
        // No synced(): the sync failed.
        durability.handedOver(through: 9)
        let marker5 = durability.syncStarted(lowestUnmovedSeq: nil, now: start)
        #expect(marker5 == 9)
    }

    @Test func theMarkerStopsBeforeAFailedMoveAndBeforeAnUnmovedRecord() {
        var durability = Durability(checkpointedSeq: 1, checkpointInterval: 100, now: start)
        durability.handedOver(through: 20)
        let marker6 = durability.syncStarted(lowestUnmovedSeq: 12, now: start)
        #expect(marker6 == 11)
        durability.moveFailed(15)
        durability.moveFailed(9)
        durability.moveFailed(17)
        #expect(durability.firstFailedMove == 9)
        let marker7 = durability.syncStarted(lowestUnmovedSeq: 12, now: start)
        #expect(marker7 == 8)
        let marker8 = durability.syncStarted(lowestUnmovedSeq: nil, now: start)
        #expect(marker8 == 8)
    }

    @Test func syncsAreDueOnceASecond() {
        var durability = Durability(checkpointedSeq: 1, checkpointInterval: 100, now: start)
        #expect(!durability.isSyncDue(now: start + .milliseconds(999)))
        #expect(durability.isSyncDue(now: start + .seconds(1)))
        _ = durability.syncStarted(lowestUnmovedSeq: nil, now: start + .seconds(1))
        #expect(!durability.isSyncDue(now: start + .milliseconds(1500)))
        #expect(durability.isSyncDue(now: start + .seconds(2)))
    }

    @Test func checkpointsAreDueByRecordsAndAllowedOnlyWithNothingUnmovedOrFailed() {
        var durability = Durability(checkpointedSeq: 1, checkpointInterval: 100, now: start)
        #expect(!durability.isCheckpointDue(nextSeq: 100))
        #expect(durability.isCheckpointDue(nextSeq: 101))
        #expect(durability.allowsCheckpoint(unmovedIsEmpty: true))
        #expect(!durability.allowsCheckpoint(unmovedIsEmpty: false))
        durability.checkpointed(nextSeq: 101)
        #expect(!durability.isCheckpointDue(nextSeq: 101))
        durability.moveFailed(120)
        #expect(!durability.allowsCheckpoint(unmovedIsEmpty: true))
    }
}
