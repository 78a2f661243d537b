package io.labrun.core.environment;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conda package specs as pip requirements, for base images without conda: {@code numpy=1.26}
 * becomes {@code numpy==1.26.*} (conda's single {@code =} is a prefix match), {@code numpy==1.26}
 * stays exact, a build string ({@code =1.26=py311h...}) and a channel ({@code conda-forge::}) are
 * dropped; {@code python} and {@code pip} are not packages to install.
 */
public final class PipRequirements {
  private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9_][A-Za-z0-9_.\\-]*)(.*)$");
  private static final Pattern OPERATORS = Pattern.compile("\\s*(==|>=|<=|!=|~=|=|<|>|,|\\|)\\s*");

  private PipRequirements() {}

  /**
   * A conda spec with its whitespace normalized (one space between parts, none around operators)
   * and its name in lower case, so that equal specs read equal.
   */
  public static String normalizeCondaSpec(String spec) {
    String s = OPERATORS.matcher(spec.trim().replaceAll("\\s+", " ")).replaceAll("$1");
    Matcher m = NAME.matcher(s.contains("::") ? s.substring(s.indexOf("::") + 2) : s);
    if (!m.matches()) {
      return s;
    }
    String channel = s.contains("::") ? s.substring(0, s.indexOf("::") + 2) : "";
    return channel + m.group(1).toLowerCase(Locale.ROOT) + m.group(2);
  }

  /** A pip requirement normalized the same way (names of pip packages are case-insensitive). */
  public static String normalizePipSpec(String spec) {
    String s = spec.trim().replaceAll("\\s+", " ");
    if (s.contains("://") || s.startsWith("-")) {
      return s;
    }
    s = OPERATORS.matcher(s).replaceAll("$1");
    Matcher m = NAME.matcher(s);
    return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) + m.group(2) : s;
  }

  /** The package name of a conda spec, lower case ({@code conda-forge::NumPy>=1} gives numpy). */
  public static String condaName(String spec) {
    String s = normalizeCondaSpec(spec);
    s = s.contains("::") ? s.substring(s.indexOf("::") + 2) : s;
    Matcher m = NAME.matcher(s);
    return m.matches() ? m.group(1) : s;
  }

  /** The pip requirement for a conda spec; empty for {@code python} and {@code pip}. */
  public static Optional<String> fromConda(String spec) {
    String s = normalizeCondaSpec(spec);
    s = s.contains("::") ? s.substring(s.indexOf("::") + 2) : s;
    Matcher m = NAME.matcher(s);
    if (!m.matches()) {
      return Optional.of(s);
    }
    String name = m.group(1);
    if (name.equals("python") || name.equals("pip")) {
      return Optional.empty();
    }
    String rest = m.group(2).trim();
    if (rest.isEmpty()) {
      return Optional.of(name);
    }
    if (rest.startsWith("==")) {
      return Optional.of(name + "==" + dropBuild(rest.substring(2)));
    }
    if (rest.startsWith("=")) {
      return Optional.of(name + "==" + fuzzy(dropBuild(rest.substring(1))));
    }
    if (Character.isDigit(rest.charAt(0))) { // "numpy 1.26" is conda's "numpy=1.26"
      return Optional.of(name + "==" + fuzzy(dropBuild(rest.replace(' ', '='))));
    }
    return Optional.of(name + rest);
  }

  private static String dropBuild(String version) {
    int eq = version.indexOf('=');
    return eq < 0 ? version : version.substring(0, eq);
  }

  private static String fuzzy(String version) {
    return version.endsWith("*") ? version : version + ".*";
  }
}
