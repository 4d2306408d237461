/// Whether this build has the package's Python trait (embedded CPython:
/// the `numpy` and `python:` backends, the `python-worker` subcommand).
/// Tests of those are enabled only with it; without it, a test that the
/// CLI refuses them clearly runs instead.
public let builtWithPython: Bool = {
  #if Python
    true
  #else
    false
  #endif
}()
