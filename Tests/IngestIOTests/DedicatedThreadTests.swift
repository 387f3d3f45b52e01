import Foundation
import Glibc
import Synchronization
import Testing

@testable import IngestIO

@Suite struct DedicatedThreadTests {
    @Test func runsTheBodyOnANamedThreadOfItsOwnAndJoinsIt() throws {
        let seen = Mutex<(name: String, isCaller: Bool)?>(nil)
        let caller = pthread_self()
        let thread = try DedicatedThread(name: "test.named") {
            let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            let isCaller = pthread_equal(pthread_self(), caller) != 0
            seen.withLock { $0 = (name.trimmingCharacters(in: .newlines), isCaller) }
        }
        thread.join()
        let result = seen.withLock { $0 }
        #expect(result?.name == "test.named")
        #expect(result?.isCaller == false)
        thread.join()  // a second join returns at once
    }

    @Test func aDetachedThreadRunsItsBody() throws {
        let reply = Reply<Int>()
        try DedicatedThread.detached(name: "test.detached") { reply.send(42) }
        #expect(reply.wait() == 42)
    }
}
