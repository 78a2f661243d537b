package io.labrun.cli.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One command a client hands over: its arguments, folder, whole environment, process id, and which
 * of its standard streams are terminals. On the wire: NUL-separated fields (none of these can hold
 * a NUL): version {@code 1}, pid, folder, stdin/stdout/stderr terminal flags ({@code 0}/{@code 1}),
 * the argument count and arguments, the variable count and {@code NAME=value} pairs.
 */
record Request(
    long pid,
    Path cwd,
    boolean stdinTty,
    boolean stdoutTty,
    boolean stderrTty,
    List<String> args,
    Map<String, String> env) {

  static Request parse(byte[] payload) {
    String[] f = new String(payload, StandardCharsets.UTF_8).split("\0", -1);
    if (f.length < 8 || !f[0].equals("1")) {
      throw new IllegalArgumentException("not a labrun client request of version 1");
    }
    int i = 1;
    long pid = Long.parseLong(f[i++]);
    Path cwd = Path.of(f[i++]);
    boolean in = f[i++].equals("1");
    boolean out = f[i++].equals("1");
    boolean err = f[i++].equals("1");
    int argc = Integer.parseInt(f[i++]);
    List<String> args = new ArrayList<>(List.of(f).subList(i, i + argc));
    i += argc;
    int envc = Integer.parseInt(f[i++]);
    Map<String, String> env = new LinkedHashMap<>();
    for (int k = 0; k < envc; k++) {
      String kv = f[i++];
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    if (!cwd.isAbsolute()) {
      throw new IllegalArgumentException("the client's folder is not absolute: " + cwd);
    }
    return new Request(pid, cwd, in, out, err, args, env);
  }

  /** A person at a terminal, as {@code System.console() != null} says for a labrun of its own. */
  boolean interactive() {
    return stdinTty && stdoutTty;
  }
}
