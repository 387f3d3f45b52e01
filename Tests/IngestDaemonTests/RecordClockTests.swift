import Foundation
import Testing

@testable import IngestDaemon

@Suite struct RecordClockTests {
    @Test func stampsRFC3339UTCWithMillisecondsCloseToNow() throws {
        var clock = RecordClock()
        let before = Date()
        let stamp = clock.now()
        let after = Date()
        #expect(stamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(stamp)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try #require(formatter.date(from: stamp))
        #expect(parsed >= before.addingTimeInterval(-0.001) && parsed <= after)
    }

    @Test func stampsNeverGoBackwards() {
        var clock = RecordClock()
        var last = clock.now(), backwards = 0
        for _ in 0..<100_000 {
            let stamp = clock.now()
            if stamp < last { backwards += 1 }
            last = stamp
        }
        #expect(backwards == 0)
    }
}
