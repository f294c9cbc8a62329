import RootGuardFuzzing

/// libFuzzer's entry point for the `contacts` target (FuzzTargets in RootGuardFuzzing holds the logic).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    FuzzTargets.run("contacts", UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
