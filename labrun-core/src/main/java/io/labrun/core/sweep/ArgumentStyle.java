package io.labrun.core.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a sweep's parameters reach the script: as options ({@code --reg 10 --solver saga}, for
 * argparse) or as positional arguments in parameter order ({@code 10 saga}, for scripts that read
 * {@code sys.argv[1]} like the original's samples). Extra arguments come after them either way.
 */
public enum ArgumentStyle {
  NAMED,
  POSITIONAL;

  public List<String> arguments(Map<String, String> params, List<String> extra) {
    List<String> out = new ArrayList<>();
    params.forEach(
        (name, value) -> {
          if (this == NAMED) {
            out.add("--" + name);
          }
          out.add(value);
        });
    out.addAll(extra);
    return out;
  }
}
