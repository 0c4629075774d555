import Dispatch

/// Runs CPU-heavy work (a day of scoring, a signed ledger) on a dispatch thread instead of one of
/// Swift concurrency's few cooperative threads, so that other suites' network tests, which need
/// those threads to answer in time, are not starved while it runs.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
