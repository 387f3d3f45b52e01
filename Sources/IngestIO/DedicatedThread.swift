import CIngestShims
import Glibc
import Synchronization

/// A thread of its own for one long job (reading inotify events, moving files, running the loop),
/// made with pthread_create(3): blocking there holds neither a thread of Swift's cooperative pool
/// nor one of libdispatch's.
public final class DedicatedThread: Sendable {
    private let thread = Mutex<pthread_t?>(nil)

    /// Starts `body` on a new thread named `name` (at most 15 bytes show in `ps -L` and `top -H`).
    public init(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { context in
            let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
            _ = cingest_name_this_thread(start.name)
            start.body()
            return nil
        }, start)
        guard result == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            throw SystemError("pthread_create", errno: result)
        }
        thread.withLock { $0 = handle }
    }

    /// Starts `body` on a new thread that no one joins: its resources go when it returns.
    public static func detached(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let thread = try DedicatedThread(name: name, body)
        guard let handle = thread.thread.withLock({ thread in defer { thread = nil }; return thread }) else { return }
        pthread_detach(handle)
    }

    /// Waits for the thread to return; at once when it has, or when it was joined before.
    public func join() {
        guard let handle = thread.withLock({ thread in defer { thread = nil }; return thread }) else { return }
        pthread_join(handle, nil)
    }

    private final class Start: Sendable {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
