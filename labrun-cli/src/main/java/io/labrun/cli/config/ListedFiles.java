package io.labrun.cli.config;

import io.labrun.cli.CliContext;
import io.labrun.core.config.Loaded;
import io.labrun.core.error.LabrunException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The files a {@code list} command shows: every one that reads, by name, in order. One broken file
 * does not hide the others: it is one warning line (its path:line:column and what is wrong), and
 * {@code show NAME} still fails on it.
 */
final class ListedFiles {
  private ListedFiles() {}

  static <T> Map<String, T> read(
      CliContext ctx, List<String> names, Function<String, Loaded<T>> reader) {
    Map<String, T> read = new LinkedHashMap<>();
    for (String name : names) {
      try {
        Loaded<T> loaded = reader.apply(name);
        loaded.warnings().forEach(ctx::warn);
        read.put(name, loaded.value());
      } catch (LabrunException e) {
        ctx.warn(e.getMessage() + " (not listed)");
      }
    }
    return read;
  }
}
