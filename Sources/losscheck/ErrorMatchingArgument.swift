import ArgumentParser
import LossCheckHarness

/// `--errors kind|any` as a command-line argument.
enum ErrorMatchingArgument: String, ExpressibleByArgument, CaseIterable {
  case kind, any

  var value: ErrorMatching { ErrorMatching(rawValue: rawValue) ?? .kind }
}
