package io.labrun.core.history;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Port: the API tokens of a team server. Only a token's SHA-256 is kept, never the token, so a copy
 * of the database gives nobody access; a token is shown once, when it is created. Each token has a
 * {@link Role}: what the server lets it do.
 */
public interface ApiTokens {
  /** Records a token by the hash of its text; false (and nothing recorded) if the name is taken. */
  boolean add(String name, String sha256, Instant created, Role role);

  /** Forgets the token of that name; false if there was none. */
  boolean revoke(String name);

  /** The token whose text hashes to {@code sha256}, if it is valid. */
  Optional<Token> find(String sha256);

  List<Token> list();

  /** A token as it may be shown: its name, age and role, never its text or hash. */
  record Token(String name, Instant created, Role role) {}

  /**
   * What a token may do, each role everything the one before may: {@code read} the history, logs
   * and downloads; {@code submit} runs too, and cancel its own; {@code admin} everything (other
   * people's runs, deleting runs, naming assets, the original of a snapshot's configuration files).
   */
  enum Role {
    READ,
    SUBMIT,
    ADMIN;

    /**
     * The role a token made without {@code --role} gets: enough to work with runs, not to manage
     * other people's.
     */
    public static final Role DEFAULT = SUBMIT;

    public boolean allows(Role needed) {
      return compareTo(needed) >= 0;
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text) {
      return Arrays.stream(values())
          .filter(r -> r.configName().equalsIgnoreCase(text == null ? "" : text.strip()))
          .findFirst();
    }
  }
}
