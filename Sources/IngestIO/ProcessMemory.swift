import CIngestShims

/// The process's heap.
public enum ProcessMemory {
    /// Keeps large buffers (4 MiB and up) out of the heap, so that freeing one returns it to the
    /// system at once; glibc would otherwise raise the threshold after the first such free.
    public static func mapLargeAllocationsSeparately() {
        _ = cingest_fix_mmap_threshold(4 << 20)
    }

    /// Gives freed heap memory back to the system, e.g. after a large load at start.
    public static func returnFreedMemory() {
        _ = cingest_malloc_trim()
    }
}
