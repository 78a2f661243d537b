package io.labrun.cli.config;

import io.labrun.core.error.LabrunException;

/** Names of targets and run configurations become file names: keep them safe. */
final class TargetNames {
  private TargetNames() {}

  static void check(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw LabrunException.badInput(
          "name '"
              + name
              + "' is not allowed: use letters, digits, '.', '_' and '-' (up to 64, starting with a"
              + " letter or digit)");
    }
  }
}
