package io.labrun.core.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: the API tokens of a team server. Only a token's SHA-256 is kept, never the token, so a copy
 * of the database gives nobody access; a token is shown once, when it is created.
 */
public interface ApiTokens {
  /** Records a token by the hash of its text; false (and nothing recorded) if the name is taken. */
  boolean add(String name, String sha256, Instant created);

  /** Forgets the token of that name; false if there was none. */
  boolean revoke(String name);

  /** The name of the token whose text hashes to {@code sha256}, if it is valid. */
  Optional<String> nameOf(String sha256);

  List<Token> list();

  /** A token as it may be shown: its name and age, never its text or hash. */
  record Token(String name, Instant created) {}
}
