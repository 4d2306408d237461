// Only a losscheck built with the Python trait embeds CPython.
#if Python

  import ArgumentParser
  import LossCheckPython

  extension LossCheckCommand {
    /// The hidden `python-worker` subcommand: the embedded-Python worker
    /// process that `--backend python:MODULE` and `--backend numpy` start
    /// (``EmbeddedWorker``); not meant to be run by hand.
    struct PythonWorker: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "python-worker",
        abstract: "Serve the eval protocol from embedded Python (internal).",
        shouldDisplay: false)

      @Option(help: "The module whose evaluate(case) answers.")
      var module: String?

      @Flag(help: "Serve the NumPy reference of --scripts instead.")
      var numpy = false

      @Option(help: "The scripts directory (with --numpy).")
      var scripts: String?

      @Option(help: "A directory to prepend to sys.path (repeatable).")
      var path: [String] = []

      @Flag(help: "Import the module, then exit: 0 when it can be used.")
      var check = false

      func validate() throws {
        guard numpy != (module != nil) else {
          throw ValidationError("give exactly one of --numpy and --module")
        }
        if numpy && scripts == nil {
          throw ValidationError("--numpy needs --scripts")
        }
      }

      func run() throws {
        let target: EmbeddedWorker.Target =
          if numpy, let scripts {
            .numpy(scripts: scripts)
          } else {
            .module(module ?? "", searchPath: path)
          }
        let status = EmbeddedWorker.serve(target, checkOnly: check)
        if status != 0 { throw ExitCode(status) }
      }
    }
  }

#endif
