// rootguard-replay: the replay server of RootGuardTesting as a process, for Benchmarks/org_scale.py.
//
//   rootguard-replay record --upstream URL --out FILE [--management-key KEY --management-account ID]
//   rootguard-replay serve --recording FILE --members N [--latency SECONDS] [--throttle PER_SECOND]
//                          [--hang INDEX,…]   (members whose requests are never answered)
//
// Prints `ROOTGUARD_REPLAY_PORT=<port>` once listening on 127.0.0.1, and runs until its standard input closes;
// `serve` then prints its counters (requests, throttled, unmatched) as one JSON line on standard error.
import Foundation
import NIOConcurrencyHelpers
import RootGuardTesting

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rootguard-replay: \(message)\n".utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first, ["record", "serve"].contains(mode) else {
    fail("usage: rootguard-replay record --upstream URL --out FILE | serve --recording FILE --members N")
}
var options: [String: String] = [:]
var index = 1
while index < arguments.count {
    let name = arguments[index]
    guard name.hasPrefix("--"), index + 1 < arguments.count else { fail("expected --option value at '\(name)'") }
    options[String(name.dropFirst(2))] = arguments[index + 1]
    index += 2
}

let server: ReplayServer
do {
    if mode == "record" {
        guard let upstream = options["upstream"], let out = options["out"] else {
            fail("record needs --upstream and --out")
        }
        guard FileManager.default.createFile(atPath: out, contents: nil), let file = FileHandle(forWritingAtPath: out)
        else { fail("cannot write \(out)") }
        let lock = NIOLock()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        server = try await ReplayServer.record(
            upstream: upstream, managementKey: options["management-key"] ?? "AKIAIOSFODNN7EXAMPLE",
            managementAccount: options["management-account"] ?? "123456789012"
        ) { exchange in
            guard let line = try? encoder.encode(exchange) else { return }
            lock.withLock {
                file.write(line)
                file.write(Data("\n".utf8))
            }
        }
    } else {
        guard let path = options["recording"], let members = options["members"].flatMap(Int.init), members > 0 else {
            fail("serve needs --recording FILE and --members N")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
        let decoder = JSONDecoder()
        var exchanges: [ReplayServer.Exchange] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            guard let exchange = try? decoder.decode(ReplayServer.Exchange.self, from: Data(line.utf8)) else {
                fail("\(path):\(number + 1): not a recorded exchange")
            }
            exchanges.append(exchange)
        }
        server = try await ReplayServer.replay(
            exchanges,
            options: .init(
                members: members, latency: options["latency"].flatMap(Double.init) ?? 0,
                throttleRate: options["throttle"].flatMap(Double.init),
                hanging: Set((options["hang"] ?? "").split(separator: ",").compactMap { Int($0) })))
    }
} catch {
    fail("\(error)")
}
FileHandle.standardOutput.write(Data("ROOTGUARD_REPLAY_PORT=\(server.port)\n".utf8))
// Until the parent closes our standard input.
while let _ = readLine(strippingNewline: false) {}
let counters = server.currentCounters
let summary: [String: Any] = [
    "requests": counters.requests, "throttled": counters.throttled, "unmatched": counters.unmatched,
    "unmatchedExamples": counters.unmatchedExamples,
]
if let data = try? JSONSerialization.data(withJSONObject: summary) {
    FileHandle.standardError.write(data + Data("\n".utf8))
}
await server.stop()
