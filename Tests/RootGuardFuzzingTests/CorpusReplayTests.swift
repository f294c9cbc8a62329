import Foundation
import RootGuardFuzzing
import Testing

/// Every committed fuzz input (FuzzTesting/Corpus/<target>/ and the crashers in FuzzTesting/Crashes/<target>/)
/// replayed through its target in the normal suite: a crasher found once stays fixed. The fuzzer itself runs
/// under sanitizers with Scripts/fuzz, not in CI.
@Suite struct CorpusReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FuzzTesting")

    static func inputs(_ folder: String, _ target: String) -> [URL] {
        let url = root.appendingPathComponent(folder).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().map { url.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTargets.all.keys.sorted())
    func everyCommittedInputRunsCleanly(_ target: String) throws {
        let corpus = Self.inputs("Corpus", target)
        #expect(!corpus.isEmpty, "FuzzTesting/Corpus/\(target) has no seed")
        for input in corpus + Self.inputs("Crashes", target) {
            let data = try Data(contentsOf: input)
            data.withUnsafeBytes { FuzzTargets.run(target, $0) }
        }
    }
}
