#if canImport(Glibc)
  import Glibc
#endif

/// On Linux, asks for transparent huge pages (`MADV_HUGEPAGE`) on the
/// 2 MiB-aligned part of a fresh, not yet touched buffer of at least 4 MiB,
/// so that filling it takes one page fault per 2 MiB instead of one per
/// 4 KiB. With THP in `madvise` mode (as here), the page faults of a fresh
/// 16 MB gradient, not the arithmetic, dominate a fused loss kernel. Only a
/// hint: the contents and the result do not change, and it does nothing
/// elsewhere or when the kernel declines.
///
/// Every fresh output or gradient array of the loss kernels goes through
/// it (`Elementwise.output`, `FusedPass.array`, `filledArray`).
@inlinable
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
  #if os(Linux)
    let huge = 1 << 21
    guard buffer.count >= 2 * huge, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, Int32(MADV_HUGEPAGE))
  #endif
}
