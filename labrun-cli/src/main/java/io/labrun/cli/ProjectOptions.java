package io.labrun.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --project DIR}, mixed into every command that works on a project. */
public final class ProjectOptions {
  @Option(
      names = {"-p", "--project"},
      paramLabel = "DIR",
      description =
          "The project folder (default: the nearest folder with aml_config/, from the current one"
              + " upward).")
  Path project;

  public Path dir() {
    return project;
  }
}
