extension HTMLReport {
  /// The page's inline style sheet: system fonts only (nothing fetched),
  /// outcome colours that stay apart for red-green colour blindness
  /// (failures also in bold, dark text).
  static let css = """
    :root { --pass: #d7efd9; --pass-ink: #1b5e20; --fail: #f9c9c9;
      --fail-ink: #8e1111; --skip: #e4e4e4; --skip-ink: #555;
      --mixed: #fbe3b0; --mixed-ink: #6d4c00; --line: #d0d4da; }
    body { font: 14px/1.4 system-ui, "DejaVu Sans", "Liberation Sans",
      Arial, sans-serif; color: #1d2127; margin: 24px; max-width: 1600px; }
    h1 { font-size: 22px; margin: 0 0 12px; }
    h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid
      var(--line); padding-bottom: 4px; }
    h3 { font-size: 15px; margin: 16px 0 6px; }
    h4 { font-size: 14px; margin: 12px 0 4px; }
    code, pre { font: 12.5px/1.35 "DejaVu Sans Mono", "Liberation Mono",
      Menlo, monospace; }
    pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0;
      background: #f6f7f9; padding: 6px 8px; border-radius: 4px; }
    table { border-collapse: collapse; }
    th, td { border: 1px solid var(--line); padding: 3px 8px;
      vertical-align: top; }
    thead th { background: #eef0f3; font-weight: 600; }
    th { text-align: left; }
    .n { text-align: right; font-variant-numeric: tabular-nums; }
    .bad { color: var(--fail-ink); font-weight: 700; }
    .runs td { max-width: 420px; overflow-wrap: break-word; }
    .legend, .note { color: #444; margin: 10px 0; }
    .swatch { display: inline-block; padding: 0 6px; border-radius: 3px;
      margin-right: 4px; }
    .pass { background: var(--pass); color: var(--pass-ink); }
    .fail { background: var(--fail); color: var(--fail-ink);
      font-weight: 700; }
    .skip { background: var(--skip); color: var(--skip-ink); }
    .mixed { background: var(--mixed); color: var(--mixed-ink); }
    .none { background: #fff; color: #999; }
    .badge { font-size: 11px; padding: 1px 6px; border-radius: 8px; }
    .warning { background: var(--mixed); padding: 6px 10px; }
    .totals .group { text-align: center; }
    .totals .group-start { border-left: 2px solid #8a929c; }
    .totals tfoot th, .totals tfoot td { font-weight: 700;
      background: #eef0f3; }
    .totals a { color: inherit; }
    .cards { display: flex; flex-wrap: wrap; gap: 14px;
      align-items: flex-start; }
    .card { border: 1px solid var(--line); border-radius: 6px;
      padding: 4px 10px 10px; background: #fcfcfd; }
    .card h3 { margin: 6px 0; }
    .matrix th { font-weight: 500; white-space: nowrap; }
    .matrix tr.dtype th { font-weight: 700; }
    .matrix tr.tag th { font-style: italic; }
    .matrix td.cell { text-align: center; white-space: nowrap;
      font-variant-numeric: tabular-nums; min-width: 84px; }
    details.failing-case { border: 1px solid var(--line);
      border-left: 4px solid var(--fail-ink); border-radius: 4px;
      margin: 4px 0; background: #fff; }
    details.failing-case summary { cursor: pointer; padding: 4px 8px;
      overflow-wrap: anywhere; }
    details.failing-case .why { color: var(--fail-ink); margin-left: 8px; }
    details.failing-case .body { padding: 4px 12px 10px; }
    dl { display: grid; grid-template-columns: max-content 1fr;
      gap: 2px 12px; margin: 6px 0; }
    dt { color: #555; }
    dd { margin: 0; overflow-wrap: anywhere; }
    .fields td.bad-field { color: var(--fail-ink); font-weight: 700; }
    .problems { margin: 6px 0; padding-left: 18px; }
    .count { color: #666; font-weight: 400; }
    nav { margin: 14px 0 0; font-weight: 600; }
    nav a { color: #1a4f8b; }

    """
}
