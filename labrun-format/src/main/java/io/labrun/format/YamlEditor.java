package io.labrun.format;

import java.util.List;
import java.util.Optional;

/**
 * Applies {@link Edit}s to the text of an existing block-style YAML file, line by line, so that
 * what is not edited stays byte for byte: comments, blank lines, quoting, key spelling.
 *
 * <p>A top-level key's block is its line up to the line before the next top-level key, less the
 * blank and comment lines at its end (those belong to what follows). Replacing a key rewrites that
 * block and keeps a comment at the end of the key's line; comments inside the block are lost. New
 * keys go at the end of the file.
 */
final class YamlEditor {
  private YamlEditor() {}

  /** The edited text, or empty when the file's layout cannot be edited in place (flow style). */
  static Optional<String> apply(SourceText source, Node.Mapping root, List<Edit> edits) {
    List<String> lines = source.lines();
    List<Node.Entry> entries = root == null ? List.of() : root.entries();
    if (!editable(lines, entries)) {
      return Optional.empty();
    }
    String eol = source.lineEnding();
    String indent = entries.isEmpty() ? "" : " ".repeat(entries.get(0).keyPosition().column() - 1);
    StringBuilder out = new StringBuilder();
    int next = 0;
    int bodyEnd = 0;
    for (int i = 0; i < entries.size(); i++) {
      int start = entries.get(i).keyPosition().line() - 1;
      int limit =
          i + 1 < entries.size() ? entries.get(i + 1).keyPosition().line() - 1 : lines.size();
      int end = blockEnd(lines, start, limit);
      copy(lines, next, start, out);
      Node.Entry entry = entries.get(i);
      Edit edit =
          edits.stream().filter(e -> entryOf(e) == entry).findFirst().orElse(new Edit.Keep(entry));
      if (edit instanceof Edit.Keep) {
        copy(lines, start, end, out);
      } else if (edit instanceof Edit.Replace r) {
        endLine(out, eol);
        List<String> block = YamlEmitter.entry(r.entry().key(), r.value());
        String comment =
            InlineComment.of(stripEol(lines.get(start)), r.entry().keyPosition().column() - 1);
        block.set(0, block.get(0) + comment);
        block.forEach(l -> out.append(indent).append(l).append(eol));
      }
      next = end;
      bodyEnd = end;
    }
    // Appended keys go after trailing comments, but before a document end marker ('...').
    int appendAt = lines.size();
    for (int i = bodyEnd; i < lines.size(); i++) {
      if (isDocumentMarker(lines.get(i))) {
        appendAt = i;
        break;
      }
    }
    copy(lines, next, appendAt, out);
    List<Edit.Append> appends =
        edits.stream().filter(e -> e instanceof Edit.Append).map(e -> (Edit.Append) e).toList();
    if (!appends.isEmpty()) {
      endLine(out, eol);
    }
    for (Edit.Append a : appends) {
      YamlEmitter.entry(a.key(), a.value()).forEach(l -> out.append(indent).append(l).append(eol));
    }
    copy(lines, appendAt, lines.size(), out);
    return Optional.of(out.toString());
  }

  private static Node.Entry entryOf(Edit e) {
    if (e instanceof Edit.Keep k) {
      return k.entry();
    }
    if (e instanceof Edit.Replace r) {
      return r.entry();
    }
    return e instanceof Edit.Delete d ? d.entry() : null;
  }

  /**
   * Block style only: every top-level key starts its own line, at one column, nothing before it.
   */
  private static boolean editable(List<String> lines, List<Node.Entry> entries) {
    int column = -1;
    int lastLine = 0;
    for (Node.Entry e : entries) {
      Position p = e.keyPosition();
      if (p.line() <= lastLine
          || p.line() > lines.size()
          || (column >= 0 && p.column() != column)) {
        return false;
      }
      String line = lines.get(p.line() - 1);
      if (p.column() - 1 > line.length()
          || !line.substring(0, p.column() - 1).isBlank()
          || line.charAt(p.column() - 1) == '{'
          || line.charAt(p.column() - 1) == '?') {
        return false;
      }
      column = p.column();
      lastLine = p.line();
    }
    return true;
  }

  private static int blockEnd(List<String> lines, int start, int limit) {
    int end = limit;
    while (end > start + 1
        && (isBlankOrComment(lines.get(end - 1)) || isDocumentMarker(lines.get(end - 1)))) {
      end--;
    }
    return end;
  }

  private static boolean isBlankOrComment(String line) {
    String t = line.strip();
    return t.isEmpty() || t.startsWith("#");
  }

  private static boolean isDocumentMarker(String line) {
    String t = stripEol(line);
    return t.equals("...") || t.startsWith("... ") || t.equals("---") || t.startsWith("--- ");
  }

  private static void copy(List<String> lines, int from, int to, StringBuilder out) {
    for (int i = from; i < to; i++) {
      out.append(lines.get(i));
    }
  }

  private static void endLine(StringBuilder out, String eol) {
    if (out.length() > 0
        && out.charAt(out.length() - 1) != '\n'
        && out.charAt(out.length() - 1) != '\r') {
      out.append(eol);
    }
  }

  static String stripEol(String line) {
    return line.endsWith("\r\n")
        ? line.substring(0, line.length() - 2)
        : line.endsWith("\n") || line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }
}
