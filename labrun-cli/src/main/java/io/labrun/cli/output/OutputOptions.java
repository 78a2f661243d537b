package io.labrun.cli.output;

import picocli.CommandLine.Option;

/** {@code -o table|json} and {@code --query}, mixed into every command that prints data. */
public final class OutputOptions {
  /** Output formats. */
  public enum Format {
    table,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "table")
  Format format = Format.table;

  @Option(
      names = "--query",
      paramLabel = "JMESPATH",
      converter = Query.Converter.class,
      description =
          "JMESPath query applied to the JSON form of the result, e.g."
              + " \"[?status=='Completed'].run_id\".")
  String query;

  public boolean json() {
    return format == Format.json;
  }

  /**
   * Whether the result goes out as data (JSON, or a query of its JSON form) rather than a table for
   * the eye.
   */
  public boolean data() {
    return json() || query != null;
  }
}
