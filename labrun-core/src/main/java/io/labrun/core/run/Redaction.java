package io.labrun.core.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * labrun's one rule for what is never shown: the value of anything named like a secret ({@link
 * SecretNames}) and the password inside a URL ({@code postgres://user:PASSWORD@host/db} is shown as
 * {@code postgres://user:***@host/db}). Every view of a run goes through here: the CLI's {@code
 * history info} (text and JSON), the REST API, the web UI, and the run's launch record once the
 * supervisor has read it. What is stored (history, snapshots) stays as it was given.
 */
public final class Redaction {
  public static final String REDACTED = SecretNames.REDACTED;

  // scheme://user:password@ ; the password runs up to the last '@' before the host part.
  private static final Pattern URL_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:)([^/\\s]*)(@)");
  // A "key: value" or "key = value" line of a configuration file (YAML, JSON, properties).
  private static final Pattern SETTING =
      Pattern.compile(
          "^(\\s*(?:-\\s+)?[\"']?)([A-Za-z0-9_.\\-]+)([\"']?\\s*[:=]\\s*)(.*?)(,?\\s*)$");
  private static final Pattern OPTION =
      Pattern.compile("^(--?)([A-Za-z0-9_.\\-]+)(=)(.*)$", Pattern.DOTALL);

  private Redaction() {}

  /** A value as it may be shown: any password inside a URL replaced. */
  public static String value(String v) {
    if (v == null || v.indexOf("://") < 0) {
      return v;
    }
    Matcher m = URL_PASSWORD.matcher(v);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + REDACTED + m.group(3)));
    }
    m.appendTail(b);
    return b.toString();
  }

  /**
   * Named values (environment variables, params, tags): secret-looking names hidden, URL passwords
   * in the others.
   */
  public static Map<String, String> named(Map<String, String> values) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, SecretNames.looksSecret(k) ? REDACTED : value(v)));
    return out;
  }

  /**
   * Script arguments: URL passwords, {@code --db-password=VALUE}, and the word after an option
   * named like a secret ({@code --api-token VALUE}).
   */
  public static List<String> arguments(List<String> args) {
    List<String> out = new ArrayList<>(args.size());
    boolean hideNext = false;
    for (String a : args) {
      Matcher m = OPTION.matcher(a);
      if (hideNext && !a.startsWith("-")) {
        out.add(REDACTED);
      } else if (m.matches() && SecretNames.looksSecret(m.group(2))) {
        out.add(m.group(1) + m.group(2) + "=" + REDACTED);
      } else {
        out.add(value(a));
      }
      hideNext =
          a.startsWith("-")
              && a.indexOf('=') < 0
              && SecretNames.looksSecret(a.replaceFirst("^-+", ""));
    }
    return out;
  }

  /** A run as any view shows it: its arguments and environment redacted. */
  public static Run run(Run r) {
    return new Run(
        r.id(),
        r.experiment(),
        r.runConfiguration(),
        r.target(),
        r.targetType(),
        r.script(),
        arguments(r.arguments()),
        named(r.environment()),
        r.user(),
        r.host(),
        r.gitCommit(),
        r.gitDirty(),
        r.snapshotId(),
        r.created(),
        r.started(),
        r.ended(),
        r.status(),
        r.exitCode(),
        value(r.statusDetail()),
        r.sweepId(),
        r.attempt(),
        named(r.attributes()));
  }

  /**
   * The text of a configuration file ({@code aml_config/*.runconfig}, {@code .compute}, conda and
   * Spark dependencies) as a view shows it: each {@code name: value} line whose name looks secret
   * gets {@value #REDACTED} for its value, and URL passwords are replaced everywhere.
   */
  public static String configText(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (String line : text.split("(?<=\n)", -1)) {
      String body = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      String end = line.substring(body.length());
      Matcher m = SETTING.matcher(body);
      if (m.matches() && SecretNames.looksSecret(m.group(2)) && !m.group(4).isEmpty()) {
        String v = m.group(4);
        boolean quoted = v.length() > 1 && (v.charAt(0) == '"' || v.charAt(0) == '\'');
        String hidden = quoted ? v.charAt(0) + REDACTED + v.charAt(0) : REDACTED;
        b.append(m.group(1))
            .append(m.group(2))
            .append(m.group(3))
            .append(hidden)
            .append(m.group(5))
            .append(end);
      } else {
        b.append(value(body)).append(end);
      }
    }
    return b.toString();
  }
}
