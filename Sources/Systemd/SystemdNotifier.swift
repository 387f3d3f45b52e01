import CSystemd
import Glibc

/// Reports a service's state to systemd over the notification socket (sd_notify(3)).
///
/// Every call is a no-op when the service was not started with NOTIFY_SOCKET (not under systemd
/// with Type=notify), so callers never need to check.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// Whether systemd listens (NOTIFY_SOCKET is set).
    public var isEnabled: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// The interval at which systemd expects WATCHDOG=1, or nil when the watchdog is off
    /// (sd_watchdog_enabled(3): WatchdogSec= gives WATCHDOG_USEC).
    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }

    /// Sends newline-separated `KEY=value` assignments. Returns false when nothing was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    /// Startup is complete.
    public func ready(status: String? = nil) { notify(joined("READY=1", status)) }

    /// A reload started; `READY=1` ends it. MONOTONIC_USEC lets newer systemd match the two.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        notify("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)")
    }

    /// Shutdown started.
    public func stopping() { notify("STOPPING=1") }

    /// The one-line status `systemctl status` shows.
    public func status(_ text: String) { notify("STATUS=\(text)") }

    /// The service is alive; must come at least once per watchdog interval.
    public func watchdog() { notify("WATCHDOG=1") }

    private func joined(_ first: String, _ status: String?) -> String {
        status.map { "\(first)\nSTATUS=\($0)" } ?? first
    }
}
