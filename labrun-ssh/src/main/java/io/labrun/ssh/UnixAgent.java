package io.labrun.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A running OpenSSH {@code ssh-agent}, reached over its Unix socket ({@code SSH_AUTH_SOCK}) with
 * Java's own Unix domain channels. MINA SSHD's own agent client needs Tomcat's native library; the
 * protocol part (identities, sign requests with the {@code rsa-sha2-256/512} flags) is MINA's
 * {@link AbstractAgentProxy}, this class only moves its messages. Private keys never leave the
 * agent: it signs the login challenge.
 */
final class UnixAgent extends AbstractAgentProxy {
  private static final int MAX_MESSAGE = 256 * 1024;
  private final Path socket;
  private final PublicKey only;
  private final SocketChannel channel;

  /** Connects to the agent at {@code socket}; {@code only}, when set, is the one key to offer. */
  UnixAgent(Path socket, PublicKey only) throws IOException {
    super(null);
    this.socket = socket;
    this.only = only;
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      ch.close();
      throw new IOException(
          "cannot reach the ssh-agent at " + socket + " (SSH_AUTH_SOCK): " + SshFailures.reason(e),
          e);
    }
    this.channel = ch;
  }

  /** The public keys the agent at {@code socket} holds. */
  static List<PublicKey> keys(Path socket) throws IOException {
    try (UnixAgent agent = new UnixAgent(socket, null)) {
      List<PublicKey> keys = new ArrayList<>();
      for (Map.Entry<PublicKey, String> e : agent.getIdentities()) {
        keys.add(e.getKey());
      }
      return keys;
    }
  }

  @Override
  public Iterable<? extends Map.Entry<PublicKey, String>> getIdentities() throws IOException {
    List<Map.Entry<PublicKey, String>> offered = new ArrayList<>();
    for (Map.Entry<PublicKey, String> e : super.getIdentities()) {
      if (only == null || KeyUtils.compareKeys(only, e.getKey())) {
        offered.add(e);
      }
    }
    return offered;
  }

  @Override
  protected synchronized Buffer request(Buffer buffer) throws IOException {
    channel.write(ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available()));
    ByteBuffer length = readFully(4);
    int n = length.getInt();
    if (n <= 0 || n > MAX_MESSAGE) {
      throw new IOException("the ssh-agent at " + socket + " sent a message of " + n + " bytes");
    }
    return new ByteArrayBuffer(readFully(n).array());
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new EOFException("the ssh-agent at " + socket + " closed the connection");
      }
    }
    return b.flip();
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
    super.close();
  }

  @Override
  public String toString() {
    return "ssh-agent " + socket;
  }

  /** Which agent a connection may use, and for which key: kept with the connection's context. */
  record Use(Path socket, PublicKey only) {
    static final AttributeRepository.AttributeKey<Use> KEY =
        new AttributeRepository.AttributeKey<>();
  }

  /**
   * Gives MINA SSHD's public-key login the agent a connection was opened with ({@link Use}), and
   * none to a connection without one. Agent forwarding to the host is not offered.
   */
  static final class Factory implements SshAgentFactory {
    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
      return List.of();
    }

    @Override
    public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
      AttributeRepository context =
          session instanceof ClientSession c ? c.getConnectionContext() : null;
      Use use = context == null ? null : context.getAttribute(Use.KEY);
      return use == null ? null : new UnixAgent(use.socket(), use.only());
    }

    @Override
    public SshAgentServer createServer(ConnectionService service) {
      return null;
    }
  }
}
