import Foundation

/// Runs a program and returns its standard output's lines.
enum CaseSource {
  struct Failed: Error, CustomStringConvertible {
    var description: String
  }

  static func lines(python: String, arguments: [String]) throws -> [String] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [python] + arguments
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
      throw Failed(
        description:
          "\(python) \(arguments.first ?? "") exited with status \(p.terminationStatus)"
      )
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(
      String.init)
  }
}
