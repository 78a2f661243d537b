package io.labrun.store;

import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.ApiTokens.Token;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ApiTokens} in table {@code api_tokens} of the run history database. */
final class SqlApiTokens implements ApiTokens {
  private final Database db;
  private final String insertIfNew;

  SqlApiTokens(Database db) {
    this.db = db;
    this.insertIfNew =
        "INSERT INTO api_tokens (name, sha256, created_ms, role) VALUES (?, ?, ?, ?) ON CONFLICT DO"
            + " NOTHING";
  }

  @Override
  public boolean add(String name, String sha256, Instant created, Role role) {
    return db.run(
        "record API token " + name,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(insertIfNew)) {
            ps.setString(1, name);
            ps.setString(2, sha256);
            ps.setLong(3, created.toEpochMilli());
            ps.setString(4, role.configName());
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean revoke(String name) {
    return db.run(
        "revoke API token " + name,
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<Token> find(String sha256) {
    return db.run(
        "check an API token",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT name, created_ms, role FROM api_tokens WHERE sha256 = ?")) {
            ps.setString(1, sha256);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<Token> list() {
    return db.run(
        "list API tokens",
        c -> {
          List<Token> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT name, created_ms, role FROM api_tokens ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(token(rs));
            }
          }
          return out;
        });
  }

  /** A row of name, created_ms, role; a role this labrun does not know gives the least: read. */
  private static Token token(ResultSet rs) throws SQLException {
    return new Token(
        rs.getString(1),
        Instant.ofEpochMilli(rs.getLong(2)),
        Role.parse(rs.getString(3)).orElse(Role.READ));
  }
}
