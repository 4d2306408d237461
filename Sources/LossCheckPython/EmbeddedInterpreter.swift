// Compiled only with the package's Python trait (Package.swift), so that
// a build without it needs no libpython.
#if Python

  import CPython
  import Foundation

  #if canImport(Glibc)
    import Glibc
  #endif

  /// Which Python LossCheck embeds, and how it is started so that it finds
  /// its own standard library and site-packages whatever `python3` comes
  /// first on PATH.
  ///
  /// Left to itself, libpython derives its prefix from the program name
  /// "python3" looked up on PATH: with pyenv (or a venv) first on PATH it
  /// would take that installation's prefix, whose packages were built for
  /// another interpreter, and Debian's numpy would not be found. So the
  /// program name is set, before initialization, to the `bin/pythonX.Y`
  /// beside the libpython that was actually linked (found in /proc/self/maps).
  enum EmbeddedInterpreter {
    /// The file of the linked libpython, e.g.
    /// /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0, from this process's
    /// memory map (dladdr is not in the Swift Glibc module), if found.
    static var libraryPath: String? {
      guard let f = fopen("/proc/self/maps", "r") else { return nil }
      defer { fclose(f) }
      var line = [CChar](repeating: 0, count: 4096)
      while fgets(&line, Int32(line.count), f) != nil {
        let end = line.firstIndex(of: 0) ?? line.count
        let text = String(
          decoding: line[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = text.firstIndex(of: "/") else { continue }
        let path = text[slash...].trimmingCharacters(in: .newlines)
        let file = path.split(separator: "/").last ?? ""
        if file.hasPrefix("libpython3") { return path }
      }
      return nil
    }

    /// "3.11" from the linked library's version string ("3.11.2 (main, …").
    static var version: String {
      let full = String(cString: Py_GetVersion())
      let number = full.prefix { $0 != " " }
      return number.split(separator: ".").prefix(2).joined(separator: ".")
    }

    /// The program name to give the interpreter: `<prefix>/bin/pythonX.Y`,
    /// where `<prefix>` is the part of the library's path before `/lib/`;
    /// nil when the library cannot be located.
    static var programName: String? {
      guard let lib = libraryPath, let r = lib.range(of: "/lib/") else {
        return nil
      }
      let prefix = lib[..<r.lowerBound]
      return "\(prefix.isEmpty ? "" : String(prefix))/bin/python\(version)"
    }

    /// Sets the program name (see ``programName``) and initializes the
    /// interpreter without its signal handlers; does nothing if it is
    /// already initialized. The name's memory is kept for the process's life,
    /// as Python requires.
    static func initialize() {
      guard Py_IsInitialized() == 0 else { return }
      if let name = programName, let wide = Py_DecodeLocale(name, nil) {
        Py_SetProgramName(wide)
      }
      Py_InitializeEx(0)
    }
  }

#endif
