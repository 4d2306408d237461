// Compiled only with the package's Python trait (Package.swift), so that
// a build without it needs no libpython.
#if Python

  import CPython
  import LossCheckHarness

  /// Python, embedded in this process through libpython3 (Debian's
  /// libpython3-dev), as a backend.
  ///
  /// - ``numpyReference(scriptsDirectory:)``: the NumPy reference of
  ///   `scripts/reference`, evaluated live, in this process (`losscheck
  ///   python-worker --numpy`, which `--backend numpy` runs: EmbeddedWorker).
  /// - ``module(_:searchPath:)``: any Python module with a function
  ///   `evaluate(case: dict) -> dict` that takes a case of CASE_SCHEMA.md and
  ///   returns its result (`--backend python:MODULE`).
  ///
  /// The interpreter is initialized once per process and its GIL released;
  /// every call takes the GIL (`PyGILState_Ensure`) for its duration, so the
  /// backend can be used from any thread or task.
  public final class PythonBackend: LossBackend, @unchecked Sendable {
    public let name: String
    private let function: OpaquePointer

    /// Why Python could not be set up: the Python traceback or C-API failure.
    public struct SetupError: Error, CustomStringConvertible {
      public var message: String
      public var description: String { message }
    }

    private init(name: String, function: OpaquePointer) {
      self.name = name
      self.function = function
    }

    deinit {
      let gil = PyGILState_Ensure()
      Py_DecRef(function)
      PyGILState_Release(gil)
    }

    /// Initializes the interpreter once and releases the GIL.
    private static let interpreter: Bool = {
      if Py_IsInitialized() == 0 {
        EmbeddedInterpreter.initialize()
        _ = PyEval_SaveThread()
      }
      return true
    }()

    /// The bridge: wraps a Python callable so that it maps one case line
    /// (JSON text) to one result line, turning any exception into an error
    /// result instead of letting it escape.
    private static let bridge = """
      import json as _json, sys as _sys, traceback as _tb

      def _losscheck_wrap(fn):
          def call(line):
              case_id = ""
              try:
                  case = _json.loads(line)
                  case_id = case.get("id", "") if isinstance(case, dict) else ""
                  result = fn(case)
                  if isinstance(result, str):
                      return result
                  return _json.dumps(result)
              except BaseException as e:
                  msg = "".join(_tb.format_exception_only(type(e), e)).strip()
                  return _json.dumps({"id": case_id, "error": {"kind": "\(HarnessErrorKind.backendError)", "message": msg}})
          return call

      def _losscheck_setup(paths, module, attr, raw):
          for p in reversed(paths):
              if p not in _sys.path:
                  _sys.path.insert(0, p)
          import importlib
          try:
              mod = importlib.import_module(module)
              if raw:
                  from reference import core
          except ImportError as e:
              hint = ""
              if getattr(e, "name", None) == "numpy":
                  hint = ("; install NumPy for this interpreter "
                          "(on Debian: apt-get install python3-numpy)")
              raise ImportError(
                  f"{e} (embedded Python {_sys.version.split()[0]}, "
                  f"sys.prefix={_sys.prefix}, "
                  f"sys.executable={_sys.executable}{hint})") from None
          fn = getattr(mod, attr)
          if raw:
              inner = fn
              fn = lambda case: core.dumps(inner(case))
          return _losscheck_wrap(fn)
      """

    /// Imports `module` (after prepending `searchPath` to `sys.path`) and
    /// returns the bridge around its attribute `attr`.
    private static func load(
      module: String, attr: String, searchPath: [String], raw: Bool
    ) throws(SetupError) -> OpaquePointer {
      _ = interpreter
      let gil = PyGILState_Ensure()
      defer { PyGILState_Release(gil) }
      guard let main = PyImport_AddModule("__main__"),
        let globals = PyModule_GetDict(main)
      else { throw SetupError(message: "no __main__ module") }
      if PyDict_GetItemString(globals, "_losscheck_setup") == nil {
        guard
          let r = PyRun_String(
            bridge, LOSSCHECK_PY_FILE_INPUT, globals, globals)
        else {
          throw SetupError(message: "the bridge code failed: \(takeError())")
        }
        Py_DecRef(r)
      }
      guard let setup = PyDict_GetItemString(globals, "_losscheck_setup") else {
        throw SetupError(message: "no _losscheck_setup")
      }
      guard let paths = PyList_New(0) else {
        throw SetupError(message: "PyList_New failed")
      }
      defer { Py_DecRef(paths) }
      for p in searchPath {
        guard let s = PyUnicode_FromString(p) else { continue }
        PyList_Append(paths, s)
        Py_DecRef(s)
      }
      guard let m = PyUnicode_FromString(module),
        let a = PyUnicode_FromString(attr)
      else {
        throw SetupError(message: "bad module name")
      }
      defer {
        Py_DecRef(m)
        Py_DecRef(a)
      }
      guard let flag = PyBool_FromLong(raw ? 1 : 0) else {
        throw SetupError(message: "PyBool_FromLong failed")
      }
      defer { Py_DecRef(flag) }
      guard let args = tuple([paths, m, a, flag]) else {
        throw SetupError(message: "PyTuple_New failed")
      }
      defer { Py_DecRef(args) }
      guard let fn = PyObject_CallObject(setup, args) else {
        throw SetupError(
          message: "importing \(module).\(attr) failed: \(takeError())")
      }
      return fn
    }

    /// A new tuple of `items` (borrowed references; the tuple takes its own).
    private static func tuple(_ items: [OpaquePointer])
      -> OpaquePointer?
    {
      guard let t = PyTuple_New(Py_ssize_t(items.count)) else { return nil }
      for (k, item) in items.enumerated() {
        Py_IncRef(item)  // PyTuple_SetItem steals a reference.
        PyTuple_SetItem(t, Py_ssize_t(k), item)
      }
      return t
    }

    /// The pending Python exception as text (and clears it).
    private static func takeError() -> String {
      var type: OpaquePointer? = nil
      var value: OpaquePointer? = nil
      var tb: OpaquePointer? = nil
      PyErr_Fetch(&type, &value, &tb)
      defer {
        if let type { Py_DecRef(type) }
        if let value { Py_DecRef(value) }
        if let tb { Py_DecRef(tb) }
      }
      guard let value, let s = PyObject_Str(value) else {
        return "unknown Python error"
      }
      defer { Py_DecRef(s) }
      return string(s) ?? "unknown Python error"
    }

    private static func string(_ o: OpaquePointer) -> String? {
      var size: Py_ssize_t = 0
      guard let p = PyUnicode_AsUTF8AndSize(o, &size) else { return nil }
      return p.withMemoryRebound(to: UInt8.self, capacity: Int(size)) {
        String(
          decoding: UnsafeBufferPointer(start: $0, count: Int(size)),
          as: UTF8.self)
      }
    }

    /// Turns on Python's fault handler (`faulthandler.enable()`): on a fatal
    /// signal (a segfault in a C extension, ctypes) it prints the Python
    /// stack of every thread on standard error, then the process dies of the
    /// signal as before. For the worker process, whose stderr tail ends up
    /// in the case's report; failures here are ignored.
    public static func enableFaultHandler() {
      _ = interpreter
      let gil = PyGILState_Ensure()
      defer { PyGILState_Release(gil) }
      guard let main = PyImport_AddModule("__main__"),
        let globals = PyModule_GetDict(main),
        let r = PyRun_String(
          "import faulthandler as _fh\n_fh.enable()\n",
          LOSSCHECK_PY_FILE_INPUT, globals, globals)
      else {
        PyErr_Clear()
        return
      }
      Py_DecRef(r)
    }

    /// The NumPy reference of `scriptsDirectory/reference`, in-process.
    public static func numpyReference(scriptsDirectory: String)
      throws(SetupError)
      -> PythonBackend
    {
      PythonBackend(
        name: "numpy",
        function: try load(
          module: "reference", attr: "evaluate_case",
          searchPath: [scriptsDirectory],
          raw: true))
    }

    /// A Python module with `evaluate(case: dict) -> dict`.
    public static func module(_ name: String, searchPath: [String] = [])
      throws(SetupError) -> PythonBackend
    {
      PythonBackend(
        name: "python:\(name)",
        function: try load(
          module: name, attr: "evaluate", searchPath: searchPath, raw: false))
    }

    /// The module's answer to one protocol line, as the JSON text the
    /// bridge made of its returned dict (keys the harness does not know pass
    /// through), or nil when the call itself failed. An exception in the
    /// module is an error result of kind `backend_error`, not nil.
    public func answer(line: String) -> String? {
      let gil = PyGILState_Ensure()
      defer { PyGILState_Release(gil) }
      guard let arg = PyUnicode_FromString(line) else {
        PyErr_Clear()
        return nil
      }
      defer { Py_DecRef(arg) }
      guard let args = PythonBackend.tuple([arg]) else { return nil }
      defer { Py_DecRef(args) }
      guard let r = PyObject_CallObject(function, args) else {
        PyErr_Clear()
        return nil
      }
      defer { Py_DecRef(r) }
      return PythonBackend.string(r)
    }

    public func evaluate(_ c: Case) -> CaseResult {
      let answer = answer(line: CaseJSON.encode(c))
      guard let answer else {
        return CaseResult(
          id: c.id,
          outcome: .error(
            kind: .harness(.backendError),
            message: "the Python call failed"))
      }
      do {
        return try CaseResult(json: JSONParser.parse(answer))
      } catch {
        return CaseResult(
          id: c.id,
          outcome: .error(
            kind: .harness(.backendBadAnswer),
            message: "\(error): \(answer.prefix(200))"))
      }
    }
  }

#endif
