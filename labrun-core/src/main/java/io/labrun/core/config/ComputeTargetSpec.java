package io.labrun.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A compute target as written in {@code aml_config/<name>.compute}. Optional fields are null when
 * the file does not set them, so that rewriting a file adds no keys the user did not write. {@code
 * password} only ever holds the encrypted form (see {@code io.labrun.core.secret.SecretBox}).
 * Unknown keys are kept in {@code otherKeys}, in file order, and written back unchanged.
 */
public record ComputeTargetSpec(
    String name,
    TargetType type,
    String baseDockerImage,
    String address,
    Integer port,
    String username,
    String password,
    String sshKeyFile,
    String hostKeyFingerprint,
    Boolean sharedVolumes,
    Boolean nvidiaDocker,
    String nativeSharedDirectory,
    Boolean userManagedEnvironment,
    String pythonLocation,
    String sparkSubmitLocation,
    String sparkMaster,
    Map<String, Object> otherKeys) {

  public static final String DEFAULT_PYTHON = "python3";
  public static final String DEFAULT_SPARK_SUBMIT = "spark-submit";

  /**
   * labrun's own key (the original never wrote it): {@code labrunLocalVenv: true} in a local
   * target's file makes its Python runs use a cached venv built from the conda dependencies.
   * Without it the local target runs {@code pythonLocation} as is, as the original did.
   */
  public static final String LOCAL_VENV = "labrunLocalVenv";

  public ComputeTargetSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    otherKeys =
        otherKeys == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
  }

  public static ComputeTargetSpec of(String name, TargetType type) {
    return new ComputeTargetSpec(
        name, type, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, Map.of());
  }

  public String python() {
    return pythonLocation == null || pythonLocation.isBlank() ? DEFAULT_PYTHON : pythonLocation;
  }

  public String sparkSubmit() {
    return sparkSubmitLocation == null || sparkSubmitLocation.isBlank()
        ? DEFAULT_SPARK_SUBMIT
        : sparkSubmitLocation;
  }

  /**
   * Whether this local target's Python runs use a labrun-built venv ({@value #LOCAL_VENV}: true).
   */
  public boolean localVenv() {
    return type.equals(TargetType.LOCAL) && Boolean.TRUE.equals(otherKeys.get(LOCAL_VENV));
  }

  /**
   * Whether runs of {@code rc} here install nothing and read no conda file: the original's {@code
   * local} target runs its interpreter as it is; only labrun's own {@value #LOCAL_VENV} and the
   * 2018 format's {@code userManagedDependencies: false} ask it for a venv.
   */
  public boolean installsNothing(RunConfiguration rc) {
    return type.equals(TargetType.LOCAL) && !localVenv() && !rc.buildsLocalVenv();
  }

  public boolean sharesVolumes() {
    return Boolean.TRUE.equals(sharedVolumes);
  }

  public boolean wantsGpu() {
    return Boolean.TRUE.equals(nvidiaDocker);
  }

  public boolean hasPassword() {
    return password != null && !password.isEmpty();
  }

  public ComputeTargetSpec withType(TargetType t) {
    return new ComputeTargetSpec(
        name,
        t,
        baseDockerImage,
        address,
        port,
        username,
        password,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withBaseDockerImage(String v) {
    return new ComputeTargetSpec(
        name,
        type,
        v,
        address,
        port,
        username,
        password,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withConnection(String address, Integer port, String username) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        password,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withPassword(String encrypted) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        encrypted,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withSshKeyFile(String v) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        password,
        v,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withHostKeyFingerprint(String v) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        password,
        sshKeyFile,
        v,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withPython(
      String pythonLocation, String sparkSubmitLocation, Boolean userManagedEnvironment) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        password,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withNativeSharedDirectory(String v) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        password,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        v,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  public ComputeTargetSpec withDockerOptions(Boolean sharedVolumes, Boolean nvidiaDocker) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        password,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        sparkMaster,
        otherKeys);
  }

  /**
   * This spec's settings over {@code existing}'s, for {@code attach --force}: a key this spec sets
   * wins, every other key of the file stays, unknown ones included. A new way to log in replaces
   * the old one (a key file drops the password and the other way round), and a host key fingerprint
   * is kept only while the address stays the same.
   */
  public ComputeTargetSpec over(ComputeTargetSpec existing) {
    boolean newLogin = password != null || sshKeyFile != null;
    boolean sameHost = address == null || address.equals(existing.address);
    Map<String, Object> others = new LinkedHashMap<>(existing.otherKeys);
    others.putAll(otherKeys);
    return new ComputeTargetSpec(
        name,
        type,
        or(baseDockerImage, existing.baseDockerImage),
        or(address, existing.address),
        or(port, existing.port),
        or(username, existing.username),
        newLogin ? password : existing.password,
        newLogin ? sshKeyFile : existing.sshKeyFile,
        or(hostKeyFingerprint, sameHost ? existing.hostKeyFingerprint : null),
        or(sharedVolumes, existing.sharedVolumes),
        or(nvidiaDocker, existing.nvidiaDocker),
        or(nativeSharedDirectory, existing.nativeSharedDirectory),
        or(userManagedEnvironment, existing.userManagedEnvironment),
        or(pythonLocation, existing.pythonLocation),
        or(sparkSubmitLocation, existing.sparkSubmitLocation),
        or(sparkMaster, existing.sparkMaster),
        others);
  }

  private static <T> T or(T given, T kept) {
    return given != null ? given : kept;
  }

  public ComputeTargetSpec withSparkMaster(String v) {
    return new ComputeTargetSpec(
        name,
        type,
        baseDockerImage,
        address,
        port,
        username,
        password,
        sshKeyFile,
        hostKeyFingerprint,
        sharedVolumes,
        nvidiaDocker,
        nativeSharedDirectory,
        userManagedEnvironment,
        pythonLocation,
        sparkSubmitLocation,
        v,
        otherKeys);
  }
}
