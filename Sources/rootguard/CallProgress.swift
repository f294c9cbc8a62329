import Foundation
import RootGuardAWS

/// Progress of a single-account command on a terminal, as `--org` shows its members: one stderr line, rewritten
/// twice a second, with the AWS calls made so far, and erased when the work is done. Nothing when stderr is not a
/// terminal (a pipe, a log file, CI).
final class CallProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var clients: [AWSClient] = []
    private var ticker: Task<Void, Never>?
    private let label: String
    /// Per account, the last phase it finished (respond's accounts run concurrently).
    private var phases: [String: String] = [:]
    let enabled = isatty(STDERR_FILENO) != 0

    init(_ label: String) { self.label = label }

    /// The same factory, remembering each client it makes so its calls can be counted.
    func wrap(_ makeClient: @escaping @Sendable () throws -> AWSClient) -> @Sendable () throws -> AWSClient {
        { [self] in
            let client = try makeClient()
            lock.withLock { clients.append(client) }
            return client
        }
    }

    /// `account` finished `phase` (shown on the next tick).
    func mark(_ account: String, _ phase: String) {
        guard enabled else { return }
        lock.withLock { phases[account] = phase }
    }

    func start() {
        guard enabled else { return }
        ticker = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                guard !Task.isCancelled else { return }
                let counts = lock.withLock { clients.map(\.statistics.counts) }
                let calls = counts.reduce(0) { $0 + $1.calls }
                let retries = counts.reduce(0) { $0 + $1.retries }
                let accounts = lock.withLock { phases }
                var tally = ""
                if !accounts.isEmpty {
                    let counted = Dictionary(grouping: accounts.values, by: { $0 }).mapValues(\.count)
                    tally =
                        "; accounts: "
                        + ["read", "planned", "applied", "rechecked"].compactMap { phase in
                            counted[phase].map { "\($0) \(phase == "rechecked" ? "re-checked" : phase)" }
                        }.joined(separator: ", ")
                }
                Output.stderr(
                    "\r\u{1B}[K  \(label): \(calls) AWS calls" + (retries > 0 ? ", \(retries) retried" : "") + tally)
            }
        }
    }

    func stop() {
        guard let ticker else { return }
        ticker.cancel()
        self.ticker = nil
        Output.stderr("\r\u{1B}[K")
    }
}
