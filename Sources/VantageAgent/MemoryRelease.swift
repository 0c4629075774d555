import Foundation

/// Gives the allocator's free pages back to the system (glibc's `malloc_trim`, looked up at run
/// time; nothing where the C library has none), after a large working set was freed.
enum MemoryRelease {
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let function: Trim? = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim")
        .map { unsafeBitCast($0, to: Trim.self) }

    static func trim() { _ = function?(0) }
}
