import RootGuardFuzzing

/// libFuzzer's entry point for the `diff-reports` target (FuzzTargets in RootGuardFuzzing holds the logic).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.run("diff-reports", UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
