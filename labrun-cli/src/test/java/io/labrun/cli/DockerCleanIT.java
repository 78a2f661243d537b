package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labrun experiment clean} removes what this user's labrun home made (by its labels) and
 * stale run folders, nothing else; {@code --all} widens it to every user's labrun images.
 */
class DockerCleanIT {
  @TempDir Path tmp;

  @Test
  void cleanRemovesOnlyWhatLabrunMade() throws Exception {
    Cli cli = DockerTestEngine.cli(tmp);
    Path project = tmp.resolve("cl");
    assertThat(cli.in(tmp, "project", "init", "cl").code()).isZero();
    Files.writeString(
        project.resolve("aml_config/docker.compute"),
        "type: docker\nbaseDockerImage: " + DockerTestEngine.BASE_IMAGE + "\n");
    // an environment of this test's own (a pip option is part of its id): an image another labrun
    // home built for the same environment would be reused, and stay that home's to clean
    Files.writeString(
        project.resolve("aml_config/docker.runconfig"),
        "Target: docker\nPrepareEnvironment: true\nEnvironmentVariables:\n"
            + "  PIP_TRUSTED_HOST: clean-"
            + tmp.getFileName().toString().replaceAll("[^a-z0-9]", "")
            + ".invalid\n");
    Files.writeString(project.resolve("x.py"), "print('ran')\n");
    Cli.Result run = cli.in(project, "experiment", "submit", "-c", "docker", "x.py");
    assertThat(run.code()).as(run.toString()).isZero();
    String envImage =
        "labrun-env:"
            + cli.in(project, "experiment", "prepare", "-c", "docker")
                .out()
                .replaceAll("(?s).*Environment ([0-9a-f]{16}).*", "$1");
    // An image of the user's, even one named like ours, made from the same base: it must survive.
    Path ctx = Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM "
            + DockerTestEngine.BASE_IMAGE
            + "\nLABEL purpose=not-labrun\nRUN echo mine > /mine\n");
    DockerTestEngine.Result built =
        DockerTestEngine.docker(
            "build", "-q", "--network", "none", "-t", "labrun-env:users-own", ctx.toString());
    assertThat(built.code()).as(built.output()).isZero();
    // An image another user's labrun (or another labrun home) made: labrun's label, not our
    // owner's.
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM " + DockerTestEngine.BASE_IMAGE + "\nRUN echo theirs > /theirs\n");
    DockerTestEngine.Result theirs =
        DockerTestEngine.docker(
            "build",
            "-q",
            "--network",
            "none",
            "-t",
            "labrun-env:someone-elses",
            "--label",
            "io.labrun.managed=true",
            "--label",
            "io.labrun.user=someone-else",
            "--label",
            "io.labrun.home=/home/someone-else/.local/share/labrun",
            ctx.toString());
    assertThat(theirs.code()).as(theirs.output()).isZero();
    Path staleWork =
        Files.createDirectories(tmp.resolve("labrun/data/runs/cl_19700101T000000000_000000/work"));
    Files.writeString(staleWork.resolve("big.bin"), "x".repeat(4096));

    Cli.Result clean = cli.in(project, "experiment", "clean");
    assertThat(clean.code()).as(clean.toString()).isZero();
    assertThat(clean.out())
        .contains("removed image " + envImage)
        .contains("removed working folder " + staleWork)
        .containsPattern("Freed [0-9.]+ [kMG]?B");
    assertThat(DockerTestEngine.docker("image", "inspect", envImage).code())
        .as("labrun's image is gone")
        .isNotZero();
    assertThat(DockerTestEngine.docker("image", "inspect", "labrun-env:users-own").code())
        .as("the user's image stays")
        .isZero();
    assertThat(DockerTestEngine.docker("image", "inspect", DockerTestEngine.BASE_IMAGE).code())
        .as("the base image stays")
        .isZero();
    assertThat(DockerTestEngine.docker("image", "inspect", "labrun-env:someone-elses").code())
        .as("another user's labrun image stays")
        .isZero();
    assertThat(clean.out()).doesNotContain("someone-elses");
    assertThat(staleWork).doesNotExist();

    Cli.Result all = cli.in(project, "experiment", "clean", "--all");
    assertThat(all.code()).as(all.toString()).isZero();
    assertThat(all.out()).contains("removed image labrun-env:someone-elses");
    assertThat(DockerTestEngine.docker("image", "inspect", "labrun-env:someone-elses").code())
        .as("--all: every user's")
        .isNotZero();
    assertThat(DockerTestEngine.docker("image", "inspect", "labrun-env:users-own").code())
        .as("never the user's own image")
        .isZero();
    DockerTestEngine.docker("image", "rm", "labrun-env:users-own");
  }
}
