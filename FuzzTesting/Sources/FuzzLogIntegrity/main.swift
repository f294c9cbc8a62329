import RootGuardFuzzing

/// libFuzzer's entry point for the `log-integrity` target (FuzzTargets in RootGuardFuzzing holds the logic).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.run("log-integrity", UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
