import RootGuardFuzzing

/// libFuzzer's entry point for the `s3-listing` target (FuzzTargets in RootGuardFuzzing holds the logic).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.run("s3-listing", UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
