import ArgumentParser
import Foundation
import LossCheckHarness

/// Checks of the numeric options, run by ArgumentParser before `run()`:
/// each refusal names the option and the value, and exits with status 64.
enum OptionCheck {
  /// The longest --timeout accepted: a day.
  static let maxSeconds = 86_400.0

  /// A per-case deadline in seconds: finite, above 0, at most a day.
  static func seconds(_ value: Double, _ name: String) throws {
    guard value.isFinite, value > 0, value <= maxSeconds else {
      throw ValidationError(
        "\(name) must be a number of seconds above 0 and at most "
          + "\(Int(maxSeconds)), not '\(value.formatted)'")
    }
  }

  /// A count that must be at least `least` (1: positive, 0: non-negative).
  static func count(_ value: Int, _ name: String, least: Int = 1) throws {
    guard value >= least else {
      let what = least == 1 ? "a positive" : "a non-negative"
      throw ValidationError(
        "\(name) must be \(what) whole number, not '\(value)'")
    }
  }

  /// A floating dtype name, for an option kept as a string.
  static func floatingDType(_ value: String, _ name: String) throws {
    guard DType(rawValue: value)?.isFloating == true else {
      throw ValidationError(
        "\(name) must be one of "
          + "\(FloatDType.allValueStrings.joined(separator: ", ")), "
          + "not '\(value)'")
    }
  }
}

extension Double {
  /// The value as the user would type it ("nan", "inf", "-1", "0.5").
  fileprivate var formatted: String {
    if isNaN { return "nan" }
    if isInfinite { return self < 0 ? "-inf" : "inf" }
    if self == rounded(), abs(self) < 1e15 { return String(Int(self)) }
    return String(self)
  }
}

/// A floating-point case dtype as a command-line value: the help lists
/// the choices, and anything else is refused naming them.
struct FloatDType: ExpressibleByArgument, Sendable {
  /// The dtype.
  var dtype: DType

  /// Reads a floating dtype's name; nil for anything else.
  init?(argument: String) {
    guard let d = DType(rawValue: argument), d.isFloating else { return nil }
    dtype = d
  }

  /// Wraps a dtype (a default value).
  init(_ dtype: DType) { self.dtype = dtype }

  /// The floating dtypes, in declaration order.
  static var allValueStrings: [String] {
    DType.allCases.filter(\.isFloating).map(\.rawValue)
  }

  var defaultValueDescription: String { dtype.rawValue }
}

/// The run selected no case: nothing was checked, which must not pass.
struct EmptySelection: Error, CustomStringConvertible {
  var description: String
}

extension LossCheckCommand.Run {
  /// Refuses, before anything runs, a --dtype that is not a floating
  /// dtype and a --jobs below 1 (the timeouts check themselves).
  func validate() throws {
    for d in dtype { try OptionCheck.floatingDType(d, "--dtype") }
    try OptionCheck.count(jobs, "--jobs")
  }
}

extension LossCheckCommand.Fuzz {
  /// Refuses --cases (at least 1) and a --dtype that is not a floating
  /// dtype before anything runs (the timeouts check themselves).
  func validate() throws {
    try OptionCheck.count(cases, "--cases")
    for d in dtype { try OptionCheck.floatingDType(d, "--dtype") }
  }
}

extension LossCheckCommand.Bench {
  /// Refuses, before anything runs, --threads or --reps below 1 and
  /// --warmup below 0.
  func validate() throws {
    try OptionCheck.count(threads, "--threads")
    try OptionCheck.count(reps, "--reps")
    try OptionCheck.count(warmup, "--warmup", least: 0)
  }
}

extension LossCheckCommand {
  /// The entry point: ArgumentParser's, with two additions. An unknown
  /// command (a first argument that is neither an option nor a command)
  /// is an error, not an argument of the default `run`; and a golden
  /// directory that cannot be used, or a run that selects nothing, is one
  /// line on standard error and exit status 2.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let first = arguments.first, !first.hasPrefix("-") {
      let names = configuration.subcommands.map { $0._commandName }
      if !names.contains(first) && first != "help" {
        fail(
          "unknown command '\(first)'; the commands are "
            + names.joined(separator: ", ") + " (see losscheck --help)")
      }
    }
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
    } catch let error as SpecError {
      fail(error.description)
    } catch let error as EmptySelection {
      fail(error.description)
    } catch {
      exit(withError: error)
    }
  }

  /// Prints "Error: message" on standard error and exits with status 2.
  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    Foundation.exit(2)
  }
}
