import CIngestShims

/// The process's heap.
public enum ProcessMemory {
    /// Gives freed heap memory back to the system, e.g. after a large load at start.
    public static func returnFreedMemory() {
        _ = cingest_malloc_trim()
    }
}
