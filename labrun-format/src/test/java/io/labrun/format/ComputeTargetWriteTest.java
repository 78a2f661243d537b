package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing {@code .compute} files: new files in canonical form, existing ones edited in place. */
class ComputeTargetWriteTest {
  @TempDir Path root;

  private static final String COMMENTED =
      """
      # GPU box in the lab; ask Ana before changing it.
      type: remotedocker   # was 'remote' until March

      # where it is
      address: "10.0.0.7"
      port: 22
      username: sshuser
      myTeamTag: vision        # ours, not labrun's
      nvidiaDocker: True
      pythonLocation: python   # the image's python

      # end of file
      """;

  @Test
  void aNewFileHasCanonicalKeyOrderAndOnlyTheSetKeys() {
    TestProject p = new TestProject(root);
    ComputeTargetSpec spec =
        ComputeTargetSpec.of("gpu", TargetType.REMOTE_DOCKER)
            .withPython("python3", null, null)
            .withConnection("gpu.example.org", 2222, "sshuser")
            .withBaseDockerImage("nvidia/cuda:12.4.1")
            .withDockerOptions(true, null)
            .withNativeSharedDirectory("~/.azureml/share/")
            .withPassword("AES:abc==");

    p.configs.writeComputeTarget(spec);

    assertThat(p.read("gpu.compute"))
        .isEqualTo(
            """
            type: remotedocker
            baseDockerImage: "nvidia/cuda:12.4.1"
            address: gpu.example.org
            port: 2222
            username: sshuser
            password: "AES:abc=="
            sharedVolumes: true
            nativeSharedDirectory: "~/.azureml/share/"
            pythonLocation: python3
            """);
    assertThat(p.configs.computeTarget("gpu").value()).isEqualTo(spec);
  }

  @Test
  void rewritingAnUnchangedTargetLeavesTheFileByteIdentical() {
    TestProject p = new TestProject(root).write("gpu.compute", COMMENTED);

    p.configs.writeComputeTarget(p.configs.computeTarget("gpu").value());

    assertThat(p.read("gpu.compute")).isEqualTo(COMMENTED);
  }

  @Test
  void changingOneValueRewritesOnlyItsLineAndKeepsItsComment() {
    TestProject p = new TestProject(root).write("gpu.compute", COMMENTED);
    ComputeTargetSpec spec = p.configs.computeTarget("gpu").value();

    p.configs.writeComputeTarget(
        spec.withPython("/opt/conda/bin/python", null, null)
            .withConnection("10.0.0.8", 22, "sshuser"));

    assertThat(p.read("gpu.compute"))
        .isEqualTo(
            """
            # GPU box in the lab; ask Ana before changing it.
            type: remotedocker   # was 'remote' until March

            # where it is
            address: "10.0.0.8"
            port: 22
            username: sshuser
            myTeamTag: vision        # ours, not labrun's
            nvidiaDocker: True
            pythonLocation: /opt/conda/bin/python   # the image's python

            # end of file
            """);
  }

  @Test
  void removedKeysAreDeletedAndNewKeysAppendedAtTheEnd() {
    TestProject p = new TestProject(root).write("gpu.compute", COMMENTED);
    ComputeTargetSpec spec = p.configs.computeTarget("gpu").value();

    p.configs.writeComputeTarget(
        spec.withConnection("10.0.0.7", null, "sshuser").withHostKeyFingerprint("SHA256:xyz"));

    assertThat(p.read("gpu.compute"))
        .isEqualTo(
            """
            # GPU box in the lab; ask Ana before changing it.
            type: remotedocker   # was 'remote' until March

            # where it is
            address: "10.0.0.7"
            username: sshuser
            myTeamTag: vision        # ours, not labrun's
            nvidiaDocker: True
            pythonLocation: python   # the image's python

            # end of file
            hostKeyFingerprint: "SHA256:xyz"
            """);
  }

  @Test
  void theDockerSampleGetsItsCommentedOutKeyForReal() {
    String sample =
        """
        type: "localdocker"
        baseDockerImage: "microsoft/mmlspark:plus-0.9.9"
        #sharedVolumes: true
        """;
    TestProject p = new TestProject(root).write("docker.compute", sample);
    ComputeTargetSpec spec = p.configs.computeTarget("docker").value();

    p.configs.writeComputeTarget(spec.withDockerOptions(true, null));

    assertThat(p.read("docker.compute")).isEqualTo(sample + "sharedVolumes: true\n");
  }

  @Test
  void theTypeKeepsTheUsersSpellingUntilItChanges() {
    TestProject p =
        new TestProject(root).write("d.compute", "type: LocalDocker\nbaseDockerImage: a\n");
    ComputeTargetSpec spec = p.configs.computeTarget("d").value();

    p.configs.writeComputeTarget(spec.withBaseDockerImage("b"));
    assertThat(p.read("d.compute")).isEqualTo("type: LocalDocker\nbaseDockerImage: b\n");

    p.configs.writeComputeTarget(
        new ComputeTargetSpec(
            "d",
            TargetType.REMOTE_DOCKER,
            "b",
            "h",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            Map.of()));
    assertThat(p.read("d.compute"))
        .isEqualTo("type: remotedocker\nbaseDockerImage: b\naddress: h\n");
  }

  @Test
  void aLegacyClusterFileStaysWithoutAType() {
    String legacy = "address: head.example.org\ncluster: True\nnative: True\n";
    TestProject p = new TestProject(root).write("spark.compute", legacy);
    ComputeTargetSpec spec = p.configs.computeTarget("spark").value();

    p.configs.writeComputeTarget(spec);
    assertThat(p.read("spark.compute")).isEqualTo(legacy);

    p.configs.writeComputeTarget(spec.withConnection("head2.example.org", null, null));
    assertThat(p.read("spark.compute"))
        .isEqualTo("address: head2.example.org\ncluster: True\nnative: True\n");
  }

  @Test
  void unknownKeysCanBeChangedRemovedAndAdded() {
    TestProject p =
        new TestProject(root)
            .write(
                "x.compute", "type: local\nkeep: 1\nchange: old\ndrop:\n  - a\n  - b\nlast: z\n");
    ComputeTargetSpec spec = p.configs.computeTarget("x").value();
    Map<String, Object> other = new LinkedHashMap<>(spec.otherKeys());
    other.put("change", "new");
    other.remove("drop");
    other.put("added", Map.of("k", List.of("v", 2L)));

    p.configs.writeComputeTarget(withOtherKeys(spec, other));

    assertThat(p.read("x.compute"))
        .isEqualTo("type: local\nkeep: 1\nchange: new\nlast: z\nadded:\n  k:\n    - v\n    - 2\n");
    assertThat(p.configs.computeTarget("x").value().otherKeys()).isEqualTo(other);
  }

  @Test
  void aMultiLineValueIsReplacedAsAWholeBlock() {
    TestProject p =
        new TestProject(root)
            .write(
                "x.compute",
                """
                type: local
                password: >-
                  folded
                  text   # part of the value
                # about username
                username: me
                """);
    ComputeTargetSpec spec = p.configs.computeTarget("x").value();
    assertThat(spec.password()).isEqualTo("folded text   # part of the value");

    p.configs.writeComputeTarget(spec.withPassword("AES:new"));

    assertThat(p.read("x.compute"))
        .isEqualTo("type: local\npassword: \"AES:new\"\n# about username\nusername: me\n");
  }

  @Test
  void aValueThatCannotBeReadIsReplacedOnWrite() {
    TestProject p =
        new TestProject(root).write("x.compute", "type: remote\nport: twenty-two # typo\n");
    ComputeTargetSpec spec =
        ComputeTargetSpec.of("x", TargetType.REMOTE).withConnection(null, 22, null);

    p.configs.writeComputeTarget(spec);

    assertThat(p.read("x.compute")).isEqualTo("type: remote\nport: 22 # typo\n");
  }

  @Test
  void lineEndingsByteOrderMarkAndIndentationAreKept() {
    TestProject p =
        new TestProject(root)
            .writeBytes(
                "w.compute",
                "\uFEFF# windows\r\n  type: local\r\n  pythonLocation: python\r\n"
                    .getBytes(StandardCharsets.UTF_8));
    ComputeTargetSpec spec = p.configs.computeTarget("w").value();

    p.configs.writeComputeTarget(spec.withPython("py", null, null).withSparkMaster("local[2]"));

    assertThat(p.read("w.compute"))
        .isEqualTo(
            "\uFEFF# windows\r\n"
                + "  type: local\r\n"
                + "  pythonLocation: py\r\n"
                + "  sparkMaster: \"local[2]\"\r\n");
    assertThat(p.configs.computeTarget("w").value().sparkMaster()).isEqualTo("local[2]");
  }

  @Test
  void aFlowStyleFileIsRewrittenWhole() {
    TestProject p =
        new TestProject(root).write("f.compute", "{type: local, pythonLocation: python}\n");
    ComputeTargetSpec spec = p.configs.computeTarget("f").value();

    p.configs.writeComputeTarget(spec.withPython("python3", null, null));

    assertThat(p.read("f.compute")).isEqualTo("type: local\npythonLocation: python3\n");
  }

  @Test
  void textNeedingQuotesRoundTrips() {
    TestProject p = new TestProject(root);
    List<String> tricky =
        List.of(
            "",
            " lead",
            "trail ",
            "a: b",
            "x # y",
            "true",
            "No",
            "null",
            "~",
            "123",
            "0x1F",
            "1.5",
            "-dash",
            "[list]",
            "{map}",
            "it's",
            "say \"hi\"",
            "back\\slash",
            "two\nlines",
            "tab\there",
            "ünïcödé ✓",
            "*star",
            "&amp",
            "!tag",
            "%pct",
            "@at",
            "`tick`",
            "|pipe",
            ">gt",
            "?q",
            "a,b",
            "#hash",
            "$file",
            "~/.azureml/share/",
            "C:\\Python\\python.exe");
    for (String s : tricky) {
      p.configs.writeComputeTarget(
          ComputeTargetSpec.of("q", TargetType.LOCAL).withPython(s, null, null));
      assertThat(p.configs.computeTarget("q").value().pythonLocation())
          .as(p.read("q.compute"))
          .isEqualTo(s);
      Path q = p.file("q.compute");
      try {
        Files.delete(q);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void writesLeaveNoTemporaryFilesAndKeepPermissions() throws IOException {
    TestProject p = new TestProject(root).write("s.compute", "type: remote\npassword: \"AES:x\"\n");
    Files.setPosixFilePermissions(
        p.file("s.compute"), PosixFilePermissions.fromString("rw-------"));

    p.configs.writeComputeTarget(p.configs.computeTarget("s").value().withPassword("AES:y"));

    assertThat(Files.getPosixFilePermissions(p.file("s.compute")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (Stream<Path> files = Files.list(p.project.configDir())) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("s.compute");
    }
  }

  @Test
  void deletingATarget() {
    TestProject p =
        new TestProject(root)
            .write("old.compute", "type: local\n")
            .write("old.runconfig", "Target: old\n");

    p.configs.deleteComputeTarget("old");

    assertThat(p.configs.computeTargetNames()).isEmpty();
    assertThat(p.configs.runConfigurationNames()).containsExactly("old");
    assertThatThrownBy(() -> p.configs.deleteComputeTarget("old"))
        .hasMessage(
            "no compute target 'old' in aml_config/ (known: none); create it with 'labrun"
                + " computetarget attach'");
  }

  private static ComputeTargetSpec withOtherKeys(ComputeTargetSpec s, Map<String, Object> other) {
    return new ComputeTargetSpec(
        s.name(),
        s.type(),
        s.baseDockerImage(),
        s.address(),
        s.port(),
        s.username(),
        s.password(),
        s.sshKeyFile(),
        s.hostKeyFingerprint(),
        s.sharedVolumes(),
        s.nvidiaDocker(),
        s.nativeSharedDirectory(),
        s.userManagedEnvironment(),
        s.pythonLocation(),
        s.sparkSubmitLocation(),
        s.sparkMaster(),
        other);
  }
}
