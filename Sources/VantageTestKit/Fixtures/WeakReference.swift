/// Lets a NIO initializer reach its fixture without keeping it alive.
final class WeakReference<Target: AnyObject>: @unchecked Sendable {
    weak var target: Target?
}
