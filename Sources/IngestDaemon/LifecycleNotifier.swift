/// Where the daemon reports its lifecycle: systemd's notification socket in production
/// (the CLI adapts `SystemdNotifier`), nothing or a recorder in tests.
public protocol LifecycleNotifier: Sendable {
    /// How often the service manager expects ``watchdog()``; nil when it does not.
    var watchdogInterval: Duration? { get }
    func ready(status: String?)
    func reloading()
    func stopping()
    func status(_ text: String)
    func watchdog()
}

/// A notifier that reports to no one.
public struct SilentNotifier: LifecycleNotifier {
    public init() {}
    public var watchdogInterval: Duration? { nil }
    public func ready(status: String?) {}
    public func reloading() {}
    public func stopping() {}
    public func status(_ text: String) {}
    public func watchdog() {}
}
