/// Every page of a paginated operation, fetched lazily as the sequence is iterated.
///
/// Stops when the service returns no token, an empty token, or the token it was given (a broken server),
/// and after `maxPages` pages.
public struct AWSPaginator<Input: AWSShape, Output: AWSShape>: AsyncSequence, Sendable {
    public typealias Element = Output

    let input: Input
    let fetch: @Sendable (Input) async throws -> Output
    let nextInput: @Sendable (Input, Output) -> Input?
    let maxPages: Int

    public init(
        input: Input, fetch: @escaping @Sendable (Input) async throws -> Output,
        nextInput: @escaping @Sendable (Input, Output) -> Input?, maxPages: Int = 100_000
    ) {
        self.input = input
        self.fetch = fetch
        self.nextInput = nextInput
        self.maxPages = maxPages
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var next: Input?
        var pages = 0
        let paginator: AWSPaginator

        public mutating func next() async throws -> Output? {
            guard let input = next, pages < paginator.maxPages else { return nil }
            let output = try await paginator.fetch(input)
            pages += 1
            next = paginator.nextInput(input, output)
            return output
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(next: input, paginator: self) }

    /// All pages in order.
    public func collect() async throws -> [Output] {
        var pages: [Output] = []
        for try await page in self { pages.append(page) }
        return pages
    }
}
