import Glibc
import IngestCore

/// The time records are stamped with, formatted once per millisecond: a burst journals many files
/// in each.
struct RecordClock {
    private var last = (millisecond: Int64(-1), text: "")

    mutating func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let millisecond = Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
        if millisecond != last.millisecond {
            last = (millisecond, JournalTime.rfc3339(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec)))
        }
        return last.text
    }
}
