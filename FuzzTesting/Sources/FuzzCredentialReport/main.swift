import RootGuardFuzzing

/// libFuzzer's entry point for the `credential-report` target (FuzzTargets in RootGuardFuzzing holds the logic).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.run("credential-report", UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
