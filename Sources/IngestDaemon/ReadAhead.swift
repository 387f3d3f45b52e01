import DequeModule
import Dispatch
import Synchronization

/// Works through inputs on worker threads ahead of the one thread that consumes the results,
/// and hands the results back in the order the inputs were submitted.
///
/// The loop submits the files it will journal next and takes their analyses one at a time; the
/// workers read and parse the following files meanwhile, also while the loop appends to the
/// journal and waits for its fdatasync. Unlike a fork-join over each chunk of files, no core
/// waits for the slowest file of a chunk while another thread has work.
///
/// Rather than wait for the oldest output, the consumer works on the next unstarted input
/// itself: it counts as one of the readers, and a single file on an idle daemon is handled
/// without waking another thread.
final class ReadAhead<Input: Sendable, Output: Sendable>: Sendable {
    private struct State: Sendable {
        /// Inputs not yet taken, oldest first; `first` is the position, counted since the start,
        /// of `slots[0]`.
        var slots = Deque<(input: Input, output: Output?)>()
        var first = 0
        /// The position of the next input no one has started.
        var nextToStart = 0
        /// Which workers are running.
        var running: [Bool]
        /// The position whose output the consumer is waiting for.
        var awaited: Int?

        var end: Int { first + slots.count }

        func slot(_ position: Int) -> Int { position - first }
    }

    private enum Step { case nothing, take, perform(Int, Input), await(Int) }

    private let state: Mutex<State>
    /// Signalled once for each time the consumer sets `awaited`.
    private let outputArrived = DispatchSemaphore(value: 0)
    /// One serial queue per worker: each gets a thread of its own, whereas the threads of a
    /// concurrent queue come from a pool as wide as the machine has cores, one of which the
    /// consumer already occupies.
    private let queues: [DispatchQueue]
    private let work: @Sendable (Input) -> Output

    /// - Parameters:
    ///   - workers: threads working ahead of the consumer, at most.
    ///   - work: what to do with each input; called on any thread, for several inputs at once.
    init(label: String, workers: Int, work: @escaping @Sendable (Input) -> Output) {
        queues = (0..<max(1, workers)).map { DispatchQueue(label: "\(label).\($0)") }
        state = Mutex(State(running: Array(repeating: false, count: queues.count)))
        self.work = work
    }

    /// Inputs submitted and not yet taken.
    var count: Int { state.withLock { $0.end - $0.first } }

    /// Queues `inputs` behind the earlier ones and starts workers for them.
    func submit(_ inputs: [Input]) {
        guard !inputs.isEmpty else { return }
        let started = state.withLock { state in
            state.slots += inputs.lazy.map { ($0, nil) }
            // The consumer takes the oldest unstarted input itself; workers are for the rest.
            var unstarted = state.end - max(state.nextToStart, state.first + 1)
            var started: [Int] = []
            for worker in state.running.indices where !state.running[worker] && unstarted > 0 {
                state.running[worker] = true
                started.append(worker)
                unstarted -= 1
            }
            return started
        }
        for worker in started { queues[worker].async { self.runWorker(worker) } }
    }

    /// The oldest input not yet taken and its output, once there is one; nil when nothing waits.
    /// Until the oldest is done, the consumer works on the next unstarted input rather than wait.
    func next() -> (input: Input, output: Output)? {
        while true {
            let step = state.withLock { state -> Step in
                guard state.end > state.first else { return .nothing }
                if state.slots[0].output != nil { return .take }
                guard state.nextToStart < state.end else { return .await(state.first) }
                defer { state.nextToStart += 1 }
                return .perform(state.nextToStart, state.slots[state.slot(state.nextToStart)].input)
            }
            switch step {
            case .nothing: return nil
            case .take: return take()
            case .perform(let position, let input): store(work(input), at: position)
            case .await(let position):
                waitForOutput(at: position)
                return take()
            }
        }
    }

    private func take() -> (input: Input, output: Output) {
        state.withLock { state in
            let taken = state.slots.removeFirst()
            state.first += 1
            return (taken.input, taken.output!)
        }
    }

    /// Starts nothing more, waits for the inputs being worked on, and returns every input whose
    /// output was not taken, oldest first; their outputs are dropped.
    func cancel() -> [Input] {
        let started = state.withLock { state in
            defer { state.nextToStart = state.end }
            return state.nextToStart
        }
        for position in (state.withLock { $0.first })..<started { waitForOutput(at: position) }
        return state.withLock { state in
            let inputs = state.slots.map(\.input)
            state.first = state.end
            state.nextToStart = state.first
            state.slots = []
            return inputs
        }
    }

    private func runWorker(_ worker: Int) {
        while let (position, input) = claim(worker) {
            store(work(input), at: position)
        }
    }

    /// The next unstarted input, or nil, in which case this worker stops (counted under the same
    /// lock, so `submit` never counts on a worker that is leaving).
    private func claim(_ worker: Int) -> (Int, Input)? {
        state.withLock { state in
            guard state.nextToStart < state.end else {
                state.running[worker] = false
                return nil
            }
            defer { state.nextToStart += 1 }
            return (state.nextToStart, state.slots[state.slot(state.nextToStart)].input)
        }
    }

    private func store(_ output: Output, at position: Int) {
        let consumerWaits = state.withLock { state in
            state.slots[state.slot(position)].output = output
            guard state.awaited == position else { return false }
            state.awaited = nil
            return true
        }
        if consumerWaits { outputArrived.signal() }
    }

    private func waitForOutput(at position: Int) {
        while true {
            let done = state.withLock { state in
                if state.slots[state.slot(position)].output != nil { return true }
                state.awaited = position
                return false
            }
            if done { return }
            outputArrived.wait()
        }
    }
}
