#if canImport(Glibc)
  import Glibc
#endif

/// Prepares a fresh, not yet touched buffer of at least 4 MiB for a kernel
/// to fill (Linux only; elsewhere, and for smaller buffers, it does
/// nothing). Only hints to the kernel: the contents and the result do not
/// change, and a refused hint changes nothing.
///
/// - Transparent huge pages (`MADV_HUGEPAGE`) on the 2 MiB-aligned part,
///   so that filling it takes one page fault per 2 MiB instead of one per
///   4 KiB. With THP in `madvise` mode (as on this project's machine) the
///   page faults of a fresh 16 MB gradient, not the arithmetic, dominate a
///   fused loss kernel.
/// - When the kernels run on more than one thread
///   (`Parallelism.threads > 1`), the whole buffer is faulted in at once,
///   here, from the calling thread (`MADV_POPULATE_WRITE`, Linux 5.14; an
///   older kernel refuses it and the pages fault in on first touch as
///   before). On the shared virtual machine the benchmark runs on, two
///   threads first-touching fresh pages at the same time were up to ten
///   times slower than one thread touching them all (MarginRankingLoss
///   float32, 2 threads, right after a PyTorch process had freed its
///   memory: 35 ms with the threads faulting, 8 ms populated here); already
///   mapped pages (a reused heap block) cost only a page-table walk.
///
/// Every fresh output or gradient array of the loss kernels goes through
/// it (`FusedPass.array`, which `Elementwise` uses too, and
/// `FusedPass.uninitialized`).
@inlinable
func prepareFreshPages(_ buffer: UnsafeMutableRawBufferPointer) {
  #if os(Linux)
    let huge = 1 << 21
    guard buffer.count >= 2 * huge, let base = buffer.baseAddress else {
      return
    }
    let address = Int(bitPattern: base)
    let start = (address + huge - 1) & ~(huge - 1)
    let end = (address + buffer.count) & ~(huge - 1)
    if end > start, let p = UnsafeMutableRawPointer(bitPattern: start) {
      _ = madvise(p, end - start, Int32(MADV_HUGEPAGE))
    }
    guard Parallelism.threads > 1 else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    guard page > 0 else { return }
    let first = (address + page - 1) & ~(page - 1)
    let last = (address + buffer.count) & ~(page - 1)
    if last > first, let p = UnsafeMutableRawPointer(bitPattern: first) {
      _ = madvise(p, last - first, populateWrite)
    }
  #endif
}

#if os(Linux)
  /// `MADV_POPULATE_WRITE` (Linux 5.14), which older C headers lack.
  @usableFromInline let populateWrite: Int32 = 23
#endif
