import Glibc
import Synchronization
import Testing

@testable import IngestDaemon

@Suite struct ReadAheadTests {
    final class Counter: Sendable {
        private let atomic = Atomic<Int>(0)
        func add() { atomic.add(1, ordering: .relaxed) }
        var value: Int { atomic.load(ordering: .relaxed) }
    }

    @Test func givesOutputsInSubmissionOrderEachComputedOnce() {
        let calls = Counter()
        let reads = ReadAhead<Int, Int>(label: "test", workers: 3) { input in
            calls.add()
            // Uneven work, so that workers finish out of order.
            usleep(UInt32(input * 7919 % 5) * 50)
            return input * input
        }
        var outputs: [Int] = []
        for start in stride(from: 0, to: 1000, by: 50) {
            reads.submit(Array(start..<start + 50))
            for _ in 0..<25 { outputs.append(reads.next()!.output) }
        }
        while let next = reads.next() { outputs.append(next.output) }
        #expect(outputs == (0..<1000).map { $0 * $0 })
        #expect(calls.value == 1000)
        #expect(reads.count == 0)
    }

    /// One input on an idle reader is worked on by the thread that takes it: no thread hop.
    @Test func theConsumerWorksOnALoneInputItself() {
        let reads = ReadAhead<Int, pthread_t>(label: "test", workers: 2) { _ in pthread_self() }
        for _ in 0..<20 {
            reads.submit([1])
            #expect(pthread_equal(reads.next()!.output, pthread_self()) != 0)
        }
    }

    @Test func nextIsNilWhenNothingWaits() {
        let reads = ReadAhead<Int, Int>(label: "test", workers: 2) { $0 }
        #expect(reads.next() == nil)
        reads.submit([])
        #expect(reads.next() == nil)
    }

    @Test func cancelReturnsWhatWasNotTakenAfterTheWorkInProgress() {
        let started = Counter(), finished = Counter()
        let reads = ReadAhead<Int, Int>(label: "test", workers: 2) { input in
            started.add()
            usleep(2_000)
            finished.add()
            return input
        }
        reads.submit(Array(0..<200))
        #expect(reads.next()?.output == 0)
        #expect(reads.next()?.output == 1)
        #expect(reads.cancel() == Array(2..<200))
        // Nothing is being worked on any more, and nothing starts later.
        let afterCancel = started.value
        #expect(finished.value == afterCancel)
        #expect(afterCancel < 200)
        usleep(20_000)
        #expect(started.value == afterCancel)
        #expect(reads.count == 0)
        #expect(reads.next() == nil)
        // Still usable.
        reads.submit([7, 8])
        #expect(reads.next()?.output == 7)
        #expect(reads.next()?.output == 8)
    }
}
