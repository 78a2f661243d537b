package io.labrun.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A kind of compute target, as {@code .compute} files name it, with every spelling accepted when
 * reading and what the rest of labrun asks of it. The five the original defined are constants here
 * (the 2018 format's {@code environment.docker.enabled} and the templates refer to them); a target
 * module declares any other kind itself, through its {@code ComputeTargetProvider}, and {@code
 * io.labrun.core.launch.TargetTypes} knows them all. Two types are the same when their names are.
 * What commands need to know of a kind (does it use Docker, leave this machine, need a host; what
 * {@code computetarget attach} writes for it) is asked of it here, never decided by comparing it
 * with one of the constants: only the project format and this package name them.
 */
public final class TargetType {
  public static final TargetType LOCAL = new TargetType("local", List.of(), false, false);
  public static final TargetType DOCKER =
      new TargetType("docker", List.of("localdocker"), true, false);
  public static final TargetType REMOTE_DOCKER =
      new TargetType("remotedocker", List.of(), true, true).needingAddress();
  // the original's attach wrote userManagedEnvironment: true for a remote host's own Python
  public static final TargetType REMOTE =
      new TargetType("remote", List.of(), false, true).needingAddress().userManagedWhenAttached();
  public static final TargetType CLUSTER =
      new TargetType("cluster", List.of(), false, true).running(Framework.PYSPARK);

  /** The original's kinds, in the order its messages listed them. */
  public static final List<TargetType> ORIGINAL =
      List.of(LOCAL, DOCKER, REMOTE_DOCKER, REMOTE, CLUSTER);

  private final String name;
  private final List<String> aliases;
  private final boolean usesDocker;
  private final boolean remote;
  private final boolean needsAddress;
  private final Framework framework;
  private final boolean userManagedWhenAttached;

  /**
   * @param name the spelling labrun writes (lower case)
   * @param aliases other spellings accepted when reading (any case)
   * @param usesDocker whether runs get an environment image ({@code baseDockerImage} applies)
   * @param remote whether runs leave this machine (an address, a cluster)
   */
  public TargetType(String name, List<String> aliases, boolean usesDocker, boolean remote) {
    this(name, aliases, usesDocker, remote, false, Framework.PYTHON, false);
  }

  private TargetType(
      String name,
      List<String> aliases,
      boolean usesDocker,
      boolean remote,
      boolean needsAddress,
      Framework framework,
      boolean userManagedWhenAttached) {
    this.name = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    this.aliases = aliases.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    this.usesDocker = usesDocker;
    this.remote = remote;
    this.needsAddress = needsAddress;
    this.framework = Objects.requireNonNull(framework, "framework");
    this.userManagedWhenAttached = userManagedWhenAttached;
  }

  /** This kind, whose targets always name a host ({@code computetarget attach} asks for one). */
  public TargetType needingAddress() {
    return new TargetType(
        name, aliases, usesDocker, remote, true, framework, userManagedWhenAttached);
  }

  /** This kind, whose run configurations {@code computetarget attach} writes for {@code f}. */
  public TargetType running(Framework f) {
    return new TargetType(
        name, aliases, usesDocker, remote, needsAddress, f, userManagedWhenAttached);
  }

  /**
   * This kind, whose {@code .compute} files {@code computetarget attach} writes with {@code
   * userManagedEnvironment: true} (the target's Python as it is).
   */
  public TargetType userManagedWhenAttached() {
    return new TargetType(name, aliases, usesDocker, remote, needsAddress, framework, true);
  }

  /** The spelling labrun writes. */
  public String configName() {
    return name;
  }

  /** Every spelling accepted when reading, the written one first. */
  public List<String> spellings() {
    List<String> all = new ArrayList<>(aliases.size() + 1);
    all.add(name);
    all.addAll(aliases);
    return all;
  }

  /** Whether {@code text} (trimmed, any case) is one of this type's spellings. */
  public boolean isSpelled(String text) {
    return spellings().contains(text.trim().toLowerCase(Locale.ROOT));
  }

  public boolean usesDocker() {
    return usesDocker;
  }

  public boolean isRemote() {
    return remote;
  }

  /**
   * Whether a target of this kind must name its host ({@code address}); one that does not run
   * remotely never has one, and the other remote kinds may (a cluster's head node, a Slurm login
   * node) or may not.
   */
  public boolean needsAddress() {
    return needsAddress;
  }

  /** The framework of the run configuration {@code computetarget attach} writes beside a target. */
  public Framework framework() {
    return framework;
  }

  /** Whether {@code computetarget attach} writes {@code userManagedEnvironment: true}. */
  public boolean isUserManagedWhenAttached() {
    return userManagedWhenAttached;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetType t && t.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
