import IngestCore
import Testing

@testable import IngestDaemon

@Suite struct FilesInFlightTests {
    private func paths(_ names: String...) -> [RelativePath] { names.map(RelativePath.init) }

    @Test func givesWaitingPathsOldestFirstUpToTheLimit() {
        var files = FilesInFlight()
        files.add(paths("a", "b", "c"))
        #expect(files.waitingCount == 3)
        let taken1 = files.takeForReading(2)
        #expect(taken1 == (paths("a", "b"), false))
        let taken2 = files.takeForReading(2)
        #expect(taken2 == (paths("c"), false))
        let taken3 = files.takeForReading(2)
        #expect(taken3 == ([], false))
        #expect(files.waitingCount == 0 && files.isQueueEmpty)
    }

    @Test func setsAsideAPathStillBeingReadUntilItsFileIsJournaledAndMoved() {
        var files = FilesInFlight()
        files.add(paths("a"))
        let taken4 = files.takeForReading(8)
        #expect(taken4.paths == paths("a"))
        // A new version arrives while the first is read ahead: it must wait for that one.
        files.add(paths("a", "b"))
        let taken5 = files.takeForReading(8)
        #expect(taken5 == (paths("b"), false))
        #expect(files.waitingCount == 1)
        files.finishedReading(RelativePath("a"), willMove: true)
        #expect(files.movingCount == 1)
        // Still set aside: the first file has not left the inbox yet.
        files.finishedMoving([])
        let taken6 = files.takeForReading(8)
        #expect(taken6 == ([], false))
        files.finishedMoving(paths("a"))
        #expect(files.movingCount == 0)
        let taken7 = files.takeForReading(8)
        #expect(taken7 == (paths("a"), false))
    }

    @Test func saysWhenAPathWaitsForAMoveSoThatTheMoverHurries() {
        var files = FilesInFlight()
        files.startedMoving(RelativePath("left-over"))
        files.add(paths("left-over", "other"))
        let taken8 = files.takeForReading(8)
        #expect(taken8 == (paths("other"), true))
        // Control: a path that waits only for its read does not ask the mover to hurry.
        files.add(paths("other"))
        let taken9 = files.takeForReading(8)
        #expect(taken9 == ([], false))
    }

    @Test func aFileThatVanishedOrIsADirectoryFreesItsPathWithoutAMove() {
        var files = FilesInFlight()
        files.add(paths("gone"))
        _ = files.takeForReading(1)
        files.finishedReading(RelativePath("gone"), willMove: false)
        #expect(files.movingCount == 0)
        files.add(paths("gone"))
        let taken10 = files.takeForReading(1)
        #expect(taken10.paths == paths("gone"))
    }

    @Test func skipsAFullTakeOfSetAsidePathsToReachFreeOnes() {
        var files = FilesInFlight()
        files.add(paths("a", "b"))
        _ = files.takeForReading(2)
        files.add(paths("a", "b", "c"))
        // The first take of two finds only busy paths; the next one is free.
        let taken11 = files.takeForReading(2)
        #expect(taken11 == (paths("c"), false))
        #expect(files.waitingCount == 2)
    }

    @Test func aFailedJournalWritePutsTheBatchBackInOrderBeforeNewerFiles() {
        var files = FilesInFlight()
        files.add(paths("a", "b", "c", "d"))
        _ = files.takeForReading(3)
        files.finishedReading(RelativePath("a"), willMove: true)
        files.finishedReading(RelativePath("b"), willMove: true)
        files.journalFailed(taken: paths("a", "b"), unread: paths("c"))
        #expect(files.movingCount == 0)
        let taken12 = files.takeForReading(8)
        #expect(taken12 == (paths("a", "b", "c", "d"), false))
    }
}
