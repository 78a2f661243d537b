package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YarnFilesTest {
  @TempDir Path tmp;

  @Test
  void theResourceManagersWebAddressComesFromYarnSiteXml() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Files.writeString(
        conf.resolve("yarn-site.xml"),
        """
        <?xml version="1.0" encoding="UTF-8"?><configuration>
        <property><name>yarn.resourcemanager.hostname</name><value>head0</value></property>
        <property><name>yarn.resourcemanager.webapp.address</name><value> 127.0.0.1:18088 </value></property>
        </configuration>
        """);
    assertThat(YarnResourceManager.of(Map.of("HADOOP_CONF_DIR", conf.toString())))
        .map(YarnResourceManager::base)
        .contains("http://127.0.0.1:18088");
    assertThat(YarnResourceManager.of(Map.of("YARN_CONF_DIR", conf.toString())))
        .map(YarnResourceManager::base)
        .contains("http://127.0.0.1:18088");
    assertThat(YarnResourceManager.of(Map.of("HADOOP_CONF_DIR", tmp.resolve("none").toString())))
        .isEmpty();
    assertThat(YarnResourceManager.of(Map.of())).isEmpty();

    Files.writeString(
        conf.resolve("yarn-site.xml"),
        """
        <configuration><property><name>yarn.resourcemanager.hostname</name><value>head0</value></property></configuration>
        """);
    assertThat(YarnResourceManager.of(Map.of("HADOOP_CONF_DIR", conf.toString())))
        .map(YarnResourceManager::base)
        .contains("http://head0:8088");
  }

  @Test
  void aContainerLogIsTheNodeManagersAnswerWithoutItsFrame() {
    String answer =
        """
        Container: container_1_0001_01_000001 on localhost:45587
        LogAggregationType: LOCAL
        ====================================================================
        LogType:stdout
        LogLastModifiedTime:Mon Dec 07 01:07:45 +0000 2026
        LogLength:13
        LogContents:
        héllo
        world
        End of LogType:stdout.
        ***********************************************************************
        """;
    assertThat(
            new String(
                YarnLogs.contents(answer.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
        .isEqualTo("héllo\nworld\n");
    assertThat(YarnLogs.contents("HTTP 404 Not Found".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void aRunsYarnTagIsLowerCaseAndAtMostAHundredCharactersKeepingTheRandomEnd() {
    assertThat(ClusterTarget.yarnTag("Iris_20261126T181505123_9f3a1c"))
        .isEqualTo("labrun-iris_20261126t181505123_9f3a1c");
    String tag = ClusterTarget.yarnTag("e".repeat(120) + "_20261126T181505123_9f3a1c");
    assertThat(tag).hasSize(100).startsWith("labrun-").endsWith("_20261126t181505123_9f3a1c");
  }
}
