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
