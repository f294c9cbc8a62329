import Foundation

extension Sequence where Element: Sendable {
    /// `map` with at most `maxConcurrency` transforms running at once; results keep the input order.
    /// The one fan-out of rootguard (members of an organization, regions, S3 objects).
    public func concurrentMap<T: Sendable>(
        maxConcurrency: Int, _ transform: @escaping @Sendable (Element) async -> T
    ) async -> [T] {
        let items = Array(self)
        guard !items.isEmpty else { return [] }
        var results = [T?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, T).self) { group in
            var next = 0
            func start() {
                let index = next
                let item = items[index]
                next += 1
                group.addTask { (index, await transform(item)) }
            }
            while next < items.count && next < Swift.max(1, maxConcurrency) { start() }
            for await (index, value) in group {
                results[index] = value
                if next < items.count { start() }
            }
        }
        return results.map { $0! }
    }

    /// Runs `body` on every element with at most `maxConcurrency` at once, handing each result to `collect`
    /// as it finishes (in completion order): for fan-outs that merge as they go.
    public func concurrentForEach<T: Sendable>(
        maxConcurrency: Int, _ body: @escaping @Sendable (Element) async -> T, collect: (T) -> Void
    ) async {
        var iterator = makeIterator()
        await withTaskGroup(of: T.self) { group in
            var running = 0
            while running < Swift.max(1, maxConcurrency), let item = iterator.next() {
                group.addTask { await body(item) }
                running += 1
            }
            for await value in group {
                collect(value)
                if let item = iterator.next() { group.addTask { await body(item) } }
            }
        }
    }
}

/// Runs `operation`, but answers `onTimeout()` if it has not finished after `seconds`: the operation is then cancelled
/// and left to wind down on its own, so one stuck piece of work (a member account whose calls hang) never holds up the
/// rest. Nothing waits for the abandoned task.
public func withDeadline<T: Sendable>(
    seconds: Double, _ operation: @escaping @Sendable () async -> T, onTimeout: @escaping @Sendable () -> T
) async -> T {
    let gate = DeadlineGate()
    return await withCheckedContinuation { continuation in
        let work = Task {
            let value = await operation()
            if gate.claim() { continuation.resume(returning: value) }
        }
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            if !Task.isCancelled, gate.claim() {
                work.cancel()
                continuation.resume(returning: onTimeout())
            }
        }
        gate.onClaim { timer.cancel() }
    }
}

/// Lets exactly one of the work and the timer answer.
private final class DeadlineGate: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false
    private var cleanup: (() -> Void)?

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !claimed else { return false }
        claimed = true
        let action = cleanup
        cleanup = nil
        action?()
        return true
    }

    /// Runs `action` once the gate is claimed (now, if it already is).
    func onClaim(_ action: @escaping () -> Void) {
        lock.lock()
        if claimed {
            lock.unlock()
            action()
        } else {
            cleanup = action
            lock.unlock()
        }
    }
}
