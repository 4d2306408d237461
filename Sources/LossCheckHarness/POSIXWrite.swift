#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C library's `write(2)`: at most `count` bytes from `buffer` to the
/// file descriptor `fd`; the number written, or -1 with `errno` set.
///
/// Named apart so that types with a `write` method of their own can call
/// it without qualifying it by a platform module (`Glibc.write` does not
/// compile on Darwin).
@inline(__always)
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int)
  -> Int
{
  write(fd, buffer, count)
}
