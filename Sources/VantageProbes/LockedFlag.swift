import Foundation

/// A flag that racers (a timer and the work it bounds) set once, under a lock.
public final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    /// An unset flag.
    public init() {}

    /// Sets the flag; true only for the caller that set it first.
    public func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if set { return false }
        set = true
        return true
    }

    /// Whether the flag is set.
    public var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return set
    }
}
