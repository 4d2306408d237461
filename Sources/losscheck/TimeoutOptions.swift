import ArgumentParser

/// `--timeout` and `--startup-timeout`: how long an exec backend may take
/// per case, and the grace added after it (re)starts.
struct TimeoutOptions: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: "Seconds an exec backend may take per case before it is stopped.")
  var timeout: Double = 30

  @Option(
    help:
      "Seconds added to the first case's deadline after a backend (re)starts."
  )
  var startupTimeout: Double = 10

  /// Refuses, before anything runs, a timeout that is not finite, above 0
  /// and at most a day.
  func validate() throws {
    try OptionCheck.seconds(timeout, "--timeout")
    try OptionCheck.seconds(startupTimeout, "--startup-timeout")
  }
}
