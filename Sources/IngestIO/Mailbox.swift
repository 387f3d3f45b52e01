import DequeModule
import Dispatch
import Synchronization

/// Messages for one thread, from any number of others: the only way into the thread that owns
/// what the messages are about. Posting never blocks; the owner waits for the next messages, with
/// a deadline, on its own thread.
public final class Mailbox<Message: Sendable>: Sendable {
    private struct State {
        var messages = Deque<Message>()
        /// Whether the owner waits for `arrived`: a poster that finds it so clears it and signals
        /// once, so signals never pile up in the semaphore.
        var ownerWaits = false
    }

    private let state = Mutex(State())
    private let arrived = DispatchSemaphore(value: 0)

    public init() {}

    public func post(_ message: Message) {
        let wake = state.withLock { state in
            state.messages.append(message)
            defer { state.ownerWaits = false }
            return state.ownerWaits
        }
        if wake { arrived.signal() }
    }

    /// Every message waiting now, oldest first; empty when there is none. Never waits.
    public func takeAll() -> [Message] {
        state.withLock { state in
            defer { state.messages.removeAll() }
            return Array(state.messages)
        }
    }

    /// Every message waiting, once there is at least one; empty when `deadline` passes first
    /// (nil: no deadline). Only the owning thread receives.
    public func receive(until deadline: ContinuousClock.Instant?) -> [Message] {
        while true {
            let waiting = state.withLock { state -> [Message]? in
                if state.messages.isEmpty {
                    state.ownerWaits = true
                    return nil
                }
                defer { state.messages.removeAll() }
                return Array(state.messages)
            }
            if let waiting { return waiting }
            guard wait(until: deadline) else { return [] }
        }
    }

    /// Waits for a poster's signal; false at the deadline. A poster that cleared `ownerWaits`
    /// just before the deadline has signalled or is about to: that signal is taken here, so that
    /// the next wait does not return at once.
    private func wait(until deadline: ContinuousClock.Instant?) -> Bool {
        guard let deadline else {
            arrived.wait()
            return true
        }
        let remaining = max(.zero, deadline - .now)
        let (seconds, attoseconds) = remaining.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        if arrived.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success { return true }
        let signalled = state.withLock { state in
            defer { state.ownerWaits = false }
            return !state.ownerWaits
        }
        if signalled { arrived.wait() }
        return signalled
    }
}

/// One answer from another thread: the asker waits for it on its own thread.
public final class Reply<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let sent = DispatchSemaphore(value: 0)

    public init() {}

    public func send(_ answer: Value) {
        value.withLock { $0 = answer }
        sent.signal()
    }

    /// Waits for the answer; only one thread waits.
    public func wait() -> Value {
        sent.wait()
        return value.withLock { $0! }
    }
}
