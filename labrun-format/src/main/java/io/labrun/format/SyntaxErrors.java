package io.labrun.format;

import io.labrun.core.config.ConfigException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Turns a parser failure into one line: where, and a short reason a person can act on. Jackson's
 * and SnakeYAML's messages span several lines and quote source snippets; only their position and
 * the gist are kept.
 */
final class SyntaxErrors {
  private SyntaxErrors() {}

  static ConfigException translate(
      RuntimeException e, SourceText source, TreeReader.Syntax syntax) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYamlEngineException m) {
        return yaml(m, source);
      }
      if (t instanceof ReaderException r) {
        return new ConfigException(
            source.positionOf(r.getPosition()).in(source.label()),
            String.format(
                "the character U+%04X is not allowed in a YAML file; remove it", r.getCodePoint()));
      }
    }
    Position at = Position.FILE;
    String raw = e.getMessage();
    if (e instanceof JacksonException j) {
      raw = j.getOriginalMessage();
      TokenStreamLocation l = j.getLocation();
      if (l != null && l.getLineNr() > 0) {
        at = new Position(l.getLineNr(), Math.max(1, l.getColumnNr()));
      }
    }
    String problem = syntax == TreeReader.Syntax.JSON ? json(raw) : generic(raw);
    return new ConfigException(at.in(source.label()), problem);
  }

  private static ConfigException yaml(MarkedYamlEngineException m, SourceText source) {
    String problem = oneLine(m.getProblem());
    String context = oneLine(m.getContext());
    Optional<Mark> problemMark = m.getProblemMark();
    Optional<Mark> contextMark = m.getContextMark();
    Optional<Mark> at = problemMark;
    String reason;
    if (problem.contains("\\t(TAB)") || problem.contains("'\t'")) {
      reason =
          "a tab character is not allowed here; YAML indentation and separators must be spaces";
    } else if (problem.startsWith("found character '")
        && problem.contains("cannot start any token")) {
      String c =
          problem.substring(
              "found character '".length(), problem.indexOf('\'', "found character '".length()));
      reason = "a value cannot start with '" + c + "'; put the value in quotes";
    } else if (problem.startsWith("mapping values are not allowed")) {
      reason =
          "unexpected ':'; check the indentation and that the line above has its ':', or quote a"
              + " value that contains ': '";
    } else if (context.contains("quoted scalar") && problem.contains("end of stream")) {
      reason = "this quoted value is never closed; add the closing quote";
      at = contextMark.or(() -> problemMark);
    } else if (problem.startsWith("found unknown escape character")) {
      reason =
          "unknown escape sequence in a double-quoted value; write '\\\\' for a backslash, or use"
              + " single quotes";
    } else if (context.contains("flow sequence") || context.contains("flow mapping")) {
      boolean list = context.contains("sequence");
      Position open = contextMark.map(SyntaxErrors::position).orElse(Position.FILE);
      reason =
          "the "
              + (list ? "list '['" : "map '{'")
              + " opened at line "
              + open.line()
              + ", column "
              + open.column()
              + " is not closed properly: expected ',' or '"
              + (list ? "]" : "}")
              + "', found "
              + token(after(problem, "but got "));
    } else if (context.contains("simple key") && problem.contains("could not find expected ':'")) {
      reason = "expected 'key: value', but this line has no ':'";
      at = contextMark.or(() -> problemMark);
    } else if (problem.startsWith("expected <block end>, but found")) {
      String found = after(problem, "but found ");
      reason =
          found.contains("-") || found.contains("sequence")
              ? "this list item is not lined up with the items or keys above it; check the"
                  + " indentation"
              : "found "
                  + token(found)
                  + " where a new key or the end of the block was expected; check the indentation,"
                  + " or quote the whole value";
    } else if (problem.startsWith("sequence entries are not allowed")) {
      reason =
          "a list item '- ' is not allowed here; check the indentation, or quote a value that"
              + " starts with '-'";
    } else if (problem.startsWith("mapping keys are not allowed")) {
      reason = "a '?' key is not allowed here; quote a value that starts with '?'";
    } else {
      reason = readable(problem.isEmpty() ? context : problem);
    }
    Position where = at.map(SyntaxErrors::position).orElse(Position.FILE);
    return new ConfigException(where.in(source.label()), "invalid YAML: " + reason);
  }

  private static Position position(Mark mark) {
    return new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  private static String after(String text, String marker) {
    int i = text.indexOf(marker);
    return i < 0 ? "" : text.substring(i + marker.length()).trim();
  }

  /** SnakeYAML names tokens like {@code <stream end>}; say them in words. */
  private static String token(String t) {
    String s = t.replace("'", "");
    return switch (s) {
      case "<stream end>", "" -> "the end of the file";
      case "<block end>" -> "the end of the block";
      case "<scalar>" -> "text";
      case "<block sequence start>", "-", "<block entry>" -> "a list item '-'";
      case "<block mapping start>" -> "a new map";
      case "<tag>" -> "a tag ('!')";
      case "<anchor>" -> "an anchor ('&')";
      case "<alias>" -> "an alias ('*')";
      case "<document start>" -> "'---'";
      case "<document end>" -> "'...'";
      default -> s.length() <= 3 ? "'" + s + "'" : s.replaceAll("[<>]", "");
    };
  }

  private static String readable(String problem) {
    Matcher m = Pattern.compile("<([a-z ]+)>").matcher(problem);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(token("<" + m.group(1) + ">")));
    }
    m.appendTail(b);
    // SnakeYAML shows a character as c(99); show it as 'c'
    return b.toString()
        .replace("''", "'")
        .replace("the node content", "a value")
        .replaceAll("found:?\\s?(\\S)\\(\\d+\\)", "found '$1'")
        .replaceAll("found:?\\s?(\\s)\\(\\d+\\)", "found a space")
        .replaceAll("character found (\\S)\\(\\d+\\)", "character '$1'")
        .replaceAll("\\(\\d+\\)", "");
  }

  private static final Pattern UNEXPECTED_CHAR =
      Pattern.compile("^Unexpected character \\('(.+?)' \\(code [^)]*\\)\\):? ?(.*)$");
  private static final Pattern CLOSE_MARKER =
      Pattern.compile("^Unexpected close marker '(.)': (?:expected '(.)')?");
  private static final Pattern UNRECOGNIZED = Pattern.compile("^Unrecognized token '(.*?)'.*$");

  static String json(String raw) {
    String msg = oneLine(raw);
    Matcher m = UNEXPECTED_CHAR.matcher(msg);
    if (m.matches()) {
      String c = m.group(1);
      String expecting = m.group(2);
      if (expecting.contains("comma to separate Object")) {
        return "invalid JSON: expected ',' or '}' after a value, found '" + c + "'";
      }
      if (expecting.contains("comma to separate Array")) {
        return "invalid JSON: expected ',' or ']' after a list item, found '" + c + "'";
      }
      if (expecting.contains("double-quote to start property name")) {
        return c.equals("}")
            ? "invalid JSON: a ',' before '}' must be followed by another key (JSON allows no"
                + " trailing comma)"
            : "invalid JSON: expected a key in double quotes, found '" + c + "'";
      }
      if (expecting.contains("colon to separate")) {
        return "invalid JSON: expected ':' after a key, found '" + c + "'";
      }
      if (c.equals("\uFEFF")) {
        return "invalid JSON: unexpected byte-order mark (U+FEFF) inside the file; remove it";
      }
      if (c.equals("'")) {
        return "invalid JSON: text must be in double quotes, not single quotes";
      }
      return "invalid JSON: unexpected '"
          + c
          + "'; expected a value (text in double quotes, a number, true, false, null, [ or {)";
    }
    m = UNRECOGNIZED.matcher(msg);
    if (m.matches()) {
      return "invalid JSON: unexpected '"
          + m.group(1)
          + "'; expected a value (text in double quotes, a number, true, false, null, [ or {)";
    }
    if (msg.startsWith("Unexpected end-of-input")) {
      return msg.contains("close marker for Object") || msg.contains("close marker for Array")
          ? "invalid JSON: the file ends before every '{' and '[' is closed"
          : "invalid JSON: the file ends in the middle of a value";
    }
    m = CLOSE_MARKER.matcher(msg);
    if (m.find()) {
      return m.group(2) == null
          ? "invalid JSON: '" + m.group(1) + "' closes nothing"
          : "invalid JSON: found '"
              + m.group(1)
              + "' where '"
              + m.group(2)
              + "' should close the "
              + (m.group(2).equals("}") ? "object" : "list");
    }
    if (msg.startsWith("Illegal character") && msg.contains("CTRL-CHAR")) {
      return "invalid JSON: a control character is not allowed here; remove it";
    }
    if (msg.startsWith("Illegal unquoted character")) {
      return "invalid JSON: a line break or control character inside text must be escaped (\\n"
          + ", \\t)";
    }
    if (msg.contains("Unrecognized character escape")) {
      return "invalid JSON: unknown escape sequence in text; write '\\\\' for a backslash";
    }
    return "invalid JSON: " + generic(msg);
  }

  /** A last resort: the first line of the parser's message without source dumps and char codes. */
  private static String generic(String raw) {
    String msg = oneLine(raw);
    int source = msg.indexOf(" at [Source");
    if (source >= 0) {
      msg = msg.substring(0, source);
    }
    msg =
        msg.replaceAll("\\s*\\(code \\d+\\)", "")
            .replaceAll("\\s*\\(start marker at \\[Source.*$", "");
    msg = msg.replaceAll("[A-Za-z]+(Exception|Error)", "error").trim();
    if (msg.startsWith("Expected a property name")) {
      return "invalid YAML: a key must be plain text, not a list or a map";
    }
    if (msg.isEmpty()) {
      return "the file could not be read";
    }
    return Character.toLowerCase(msg.charAt(0)) + msg.substring(1);
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
