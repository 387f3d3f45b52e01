/// At most one of something per interval, unless forced: STATUS= lines during a burst, watchdog
/// pings between batches.
struct Throttle {
    let interval: Duration
    private var last: ContinuousClock.Instant?

    init(every interval: Duration) {
        self.interval = interval
    }

    /// Whether it may happen now; if so, it counts as having happened.
    mutating func allows(now: ContinuousClock.Instant = .now, force: Bool = false) -> Bool {
        guard force || last.map({ now - $0 >= interval }) ?? true else { return false }
        last = now
        return true
    }
}
