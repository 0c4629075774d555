import Foundation

/// A flag that racers (a timer and the work it bounds) set once, under a lock.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    /// Sets the flag; true only for the caller that set it first.
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if set { return false }
        set = true
        return true
    }

    /// Whether the flag is set.
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return set
    }
}
