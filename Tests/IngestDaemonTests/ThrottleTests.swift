import Testing

@testable import IngestDaemon

@Suite struct ThrottleTests {
    @Test func allowsOncePerIntervalUnlessForced() {
        let start = ContinuousClock.now
        var throttle = Throttle(every: .milliseconds(250))
        let allowed1 = throttle.allows(now: start)
        #expect(allowed1)
        let allowed2 = throttle.allows(now: start + .milliseconds(249))
        #expect(!allowed2)
        let allowed3 = throttle.allows(now: start + .milliseconds(249), force: true)
        #expect(allowed3)
        // The forced one counts: the interval runs from it.
        let allowed4 = throttle.allows(now: start + .milliseconds(400))
        #expect(!allowed4)
        let allowed5 = throttle.allows(now: start + .milliseconds(499))
        #expect(allowed5)
    }
}
