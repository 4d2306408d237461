import Foundation

/// Where the golden corpus (the top-level golden/ folder: spec.json,
/// spec/, <Loss>.jsonl) was copied as this target's resource bundle, so
/// that a package depending on LossCheck can run every golden case.
///
/// SwiftPM's generated `Bundle.module` stops the process when the bundle
/// is missing (a binary copied elsewhere), so the bundle is looked up
/// here and a missing one is `nil`.
public enum GoldenBundle {
  /// The bundle's folder name, "<package name>_<target name>.resources";
  /// SwiftPM places it next to the executable or test bundle.
  static let bundleName = "LossCheck_LossCheckGoldens.resources"

  /// The golden directory inside the resource bundle (it holds
  /// spec.json), or nil when none is found: beside the main bundle,
  /// beside the running executable, then the golden/ folder of the
  /// package source this target was built from (the bundle's origin).
  public static var directory: String? {
    let fm = FileManager.default
    var places = [Bundle.main.bundlePath]
    if let exe = Bundle.main.executablePath {
      places.append((exe as NSString).deletingLastPathComponent)
    }
    for place in places {
      let dir = "\(place)/\(bundleName)/golden"
      if fm.fileExists(atPath: "\(dir)/spec.json") { return dir }
    }
    // This file is Sources/LossCheckGoldens/GoldenBundle.swift of the
    // package; golden/ is two folders up.
    let here = (#filePath as NSString).deletingLastPathComponent
    let source = "\(here)/../../golden"
    guard fm.fileExists(atPath: "\(source)/spec.json") else { return nil }
    return (source as NSString).standardizingPath
  }
}
