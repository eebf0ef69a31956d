import Dispatch
import Synchronization

/// Runs `body(index)` for every index in 0..<count on `threads` workers that take indices
/// dynamically. Each index must write only its own results, so the outcome is the same
/// for any thread count; reduce afterwards in index order.
public func parallelForEach(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for index in 0..<count { body(index) }
        return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if index >= count { break }
            body(index)
        }
    }
}

/// Number of cores available to this process.
public var availableCores: Int { max(1, sysconfThreads()) }

private func sysconfThreads() -> Int {
    #if canImport(Glibc)
    return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
    return 1
    #endif
}
#if canImport(Glibc)
import Glibc
#endif
