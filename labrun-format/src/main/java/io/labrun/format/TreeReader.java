package io.labrun.format;

import io.labrun.core.config.ConfigException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;
import tools.jackson.dataformat.yaml.YAMLSchema;

/**
 * Reads a YAML or JSON file into a {@link Node} tree with positions, using Jackson's streaming
 * parser. Every Jackson or SnakeYAML failure becomes a one-line {@link ConfigException}; duplicate
 * keys, aliases and extra documents, which the parser lets through, are refused here.
 */
final class TreeReader {

  enum Syntax {
    YAML,
    JSON
  }

  /** YAML 1.2 core schema: true/True/TRUE and false/False/FALSE are booleans, yes/no are text. */
  private static final TokenStreamFactory YAML =
      YAMLFactory.builder().yamlSchema(YAMLSchema.CORE).build();

  private static final TokenStreamFactory JSON = new JsonFactory();

  private static final int MAX_DEPTH = 64;

  private final SourceText source;
  private final Syntax syntax;
  private JsonParser parser;

  private TreeReader(SourceText source, Syntax syntax) {
    this.source = source;
    this.syntax = syntax;
  }

  /**
   * The top-level value of the file; empty when the file holds no value (empty, comments, null).
   */
  static Optional<Node> read(SourceText source, Syntax syntax) {
    return new TreeReader(source, syntax).readDocument();
  }

  /** JSON when the content starts with '{' (after white space), as the original's older files. */
  static Syntax sniff(SourceText source) {
    return source.text().stripLeading().startsWith("{") ? Syntax.JSON : Syntax.YAML;
  }

  private Optional<Node> readDocument() {
    TokenStreamFactory factory = syntax == Syntax.YAML ? YAML : JSON;
    String text =
        syntax == Syntax.YAML ? YamlTabs.separatorsAsSpaces(source.text()) : source.text();
    try (JsonParser p = factory.createParser(ObjectReadContext.empty(), text)) {
      parser = p;
      JsonToken first = p.nextToken();
      if (first == null) {
        return Optional.empty();
      }
      Node root = readValue(first, 0);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        String problem =
            syntax == Syntax.YAML
                ? "the file holds more than one YAML document ('---'); put all keys in one"
                : "invalid JSON: unexpected text after the closing '}'";
        throw error(position(), problem);
      }
      return root instanceof Node.Scalar s && s.isNull() ? Optional.empty() : Optional.of(root);
    } catch (ConfigException e) {
      throw e;
    } catch (JacksonException e) {
      throw SyntaxErrors.translate(e, source, syntax);
    } catch (RuntimeException e) {
      // SnakeYAML may throw its own unchecked errors past Jackson; they are syntax errors too.
      // Anything else is a bug here and must not pass for a problem in the user's file.
      if (e.getClass().getName().startsWith("org.snakeyaml.")) {
        throw SyntaxErrors.translate(e, source, syntax);
      }
      throw e;
    }
  }

  private Node readValue(JsonToken token, int depth) {
    Position at = position();
    if (depth > MAX_DEPTH) {
      throw error(at, "values are nested more than " + MAX_DEPTH + " levels deep");
    }
    return switch (token) {
      case START_OBJECT -> readMapping(at, depth);
      case START_ARRAY -> readSequence(at, depth);
      case VALUE_STRING -> {
        if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
          throw error(
              at,
              "aliases (*"
                  + parser.getString()
                  + ") are not supported in labrun files; write the value out");
        }
        yield new Node.Scalar(Node.Kind.STRING, parser.getString(), parser.getString(), at);
      }
      case VALUE_NUMBER_INT ->
          new Node.Scalar(Node.Kind.INTEGER, parser.getString(), integer(), at);
      case VALUE_NUMBER_FLOAT ->
          new Node.Scalar(Node.Kind.FLOAT, parser.getString(), parser.getDoubleValue(), at);
      case VALUE_TRUE -> new Node.Scalar(Node.Kind.BOOLEAN, parser.getString(), Boolean.TRUE, at);
      case VALUE_FALSE -> new Node.Scalar(Node.Kind.BOOLEAN, parser.getString(), Boolean.FALSE, at);
      case VALUE_NULL -> new Node.Scalar(Node.Kind.NULL, parser.getString(), null, at);
      default ->
          throw error(
              at,
              "unsupported value ("
                  + describeToken(token)
                  + "); use text, numbers, true/false, lists and maps");
    };
  }

  private Object integer() {
    Number n = parser.getNumberValue();
    if (n instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }
    return n.longValue();
  }

  private Node readMapping(Position at, int depth) {
    List<Node.Entry> entries = new ArrayList<>();
    Map<String, Position> seen = new HashMap<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
      if (t == null) {
        throw error(position(), "unexpected end of the file inside a map");
      }
      String key = parser.currentName();
      Position keyAt = position();
      Position first = seen.putIfAbsent(key, keyAt);
      if (first != null) {
        throw error(
            keyAt,
            Node.quoteKey(key) + " appears twice (first at line " + first.line() + "); keep one");
      }
      Node value = readValue(parser.nextToken(), depth + 1);
      if (value instanceof Node.Scalar s && s.isNull() && s.text().isEmpty()) {
        // "key:" with nothing after it: point at the key, not past the end of the line
        value = new Node.Scalar(Node.Kind.NULL, "", null, keyAt);
      }
      entries.add(new Node.Entry(key, keyAt, value));
    }
    return new Node.Mapping(List.copyOf(entries), at);
  }

  private Node readSequence(Position at, int depth) {
    List<Node> items = new ArrayList<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw error(position(), "unexpected end of the file inside a list");
      }
      items.add(readValue(t, depth + 1));
    }
    return new Node.Sequence(List.copyOf(items), at);
  }

  private Position position() {
    TokenStreamLocation l = parser.currentTokenLocation();
    return new Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
  }

  private ConfigException error(Position at, String problem) {
    return new ConfigException(at.in(source.label()), problem);
  }

  private static String describeToken(JsonToken token) {
    return token == JsonToken.VALUE_EMBEDDED_OBJECT
        ? "binary data"
        : token.name().toLowerCase(Locale.ROOT);
  }
}
