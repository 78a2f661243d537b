import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * One file up or down with the AWS SDK's S3TransferManager over the Java-based multipart
 * S3AsyncClient (parts of 16 MiB like labrun's, the SDK's default concurrency), credentials and
 * region from the AWS environment variables, endpoint from AWS_ENDPOINT_URL. Prints the seconds the
 * transfer took inside the JVM (its start not counted).
 *
 * <p>java TransferManagerBench up|down BUCKET KEY FILE
 */
public final class TransferManagerBench {
  public static void main(String[] args) throws Exception {
    String bucket = args[1];
    String key = args[2];
    Path file = Path.of(args[3]);
    try (S3AsyncClient s3 =
            S3AsyncClient.builder()
                .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL")))
                .region(Region.of(System.getenv("AWS_REGION")))
                .forcePathStyle(true)
                // S3Proxy answers the async client's aws-chunked uploads with 501: plain bodies
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                // as labrun's client: only the checksums S3 requires
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // S3Proxy 2.6.0 answers 501 to CompleteMultipartUpload with this newer header
                .overrideConfiguration(o -> o.addExecutionInterceptor(new WithoutObjectSize()))
                // S3Proxy joins 1 GiB of parts on CompleteMultipartUpload slowly on a loaded machine
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofMinutes(5)))
                .multipartEnabled(true)
                .multipartConfiguration(
                    m -> m.thresholdInBytes(16L << 20).minimumPartSizeInBytes(16L << 20))
                .build();
        S3TransferManager tm = S3TransferManager.builder().s3Client(s3).build()) {
      long t0 = System.nanoTime();
      if (args[0].equals("up")) {
        tm.uploadFile(u -> u.putObjectRequest(p -> p.bucket(bucket).key(key)).source(file))
            .completionFuture()
            .join();
      } else {
        tm.downloadFile(d -> d.getObjectRequest(g -> g.bucket(bucket).key(key)).destination(file))
            .completionFuture()
            .join();
      }
      System.out.printf("%.2f%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  private static final class WithoutObjectSize implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      return context.httpRequest().toBuilder().removeHeader("x-amz-mp-object-size").build();
    }
  }
}
