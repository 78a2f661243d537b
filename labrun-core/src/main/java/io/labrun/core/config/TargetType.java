package io.labrun.core.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of compute target, with every spelling the original accepted. */
public enum TargetType {
  LOCAL("local"),
  DOCKER("docker", "localdocker"),
  REMOTE_DOCKER("remotedocker"),
  REMOTE("remote"),
  CLUSTER("cluster");

  private final String name;
  private final String[] aliases;

  TargetType(String name, String... aliases) {
    this.name = name;
    this.aliases = aliases;
  }

  /** The spelling labrun writes. */
  public String configName() {
    return name;
  }

  /** Every spelling accepted when reading, the written one first. */
  public String[] spellings() {
    String[] all = new String[aliases.length + 1];
    all[0] = name;
    System.arraycopy(aliases, 0, all, 1, aliases.length);
    return all;
  }

  public boolean usesDocker() {
    return this == DOCKER || this == REMOTE_DOCKER;
  }

  public boolean isRemote() {
    return this == REMOTE_DOCKER || this == REMOTE || this == CLUSTER;
  }

  public static Optional<TargetType> parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(t -> Arrays.asList(t.spellings()).contains(wanted))
        .findFirst();
  }

  public static String allSpellings() {
    return String.join(", ", Arrays.stream(values()).flatMap(t -> Arrays.stream(t.spellings())).toList());
  }
}
