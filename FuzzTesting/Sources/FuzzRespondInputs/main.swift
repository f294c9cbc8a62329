import RootGuardFuzzing

/// libFuzzer's entry point for the `respond-inputs` target (FuzzTargets in RootGuardFuzzing holds the logic).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.run("respond-inputs", UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
