import Testing

/// Runs a suite against its own moto server: started before the suite's first test, stopped after its last.
///
/// Tests in the suite share the server, so the suite should also be `.serialized` and each test should start
/// with `try await MotoServer.fresh()`.
public struct MotoServerTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await MotoServer.start()
        do {
            try await MotoServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension Trait where Self == MotoServerTrait {
    /// Starts one moto server for the suite (see ``MotoServerTrait``).
    public static var motoServer: Self { MotoServerTrait() }
}

extension MotoServer {
    /// The suite's server, reset to an empty state.
    public static func fresh() async throws -> MotoServer {
        guard let server = current else {
            throw StartError(description: "no moto server: add the .motoServer trait to the suite")
        }
        try await server.reset()
        try await server.setAuthentication(false)
        return server
    }
}
