package io.labrun.format;

import io.labrun.core.project.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A project folder with an {@code aml_config/} for tests, and small file helpers. */
final class TestProject {
  final Project project;
  final AmlProjectConfigs configs;

  TestProject(Path root) {
    try {
      Files.createDirectories(root.resolve("aml_config"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.project = new Project(root);
    this.configs = new AmlProjectConfigs(project);
  }

  TestProject write(String name, String text) {
    return writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
  }

  TestProject writeBytes(String name, byte[] bytes) {
    try {
      Files.write(project.configDir().resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  String read(String name) {
    try {
      return Files.readString(project.configDir().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path file(String name) {
    return project.configDir().resolve(name);
  }
}
