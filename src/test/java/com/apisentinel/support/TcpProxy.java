package com.apisentinel.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay between the server under test and the real PostgreSQL, so a test can take the
 * database away ({@link #down()}: connections cut and refused), make it hang ({@link #stall()}:
 * nothing forwarded) and bring it back ({@link #up()}), without touching the shared PostgreSQL.
 */
public final class TcpProxy implements AutoCloseable {

  private enum Mode { UP, DOWN, STALLED }

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final NetServer server;
  private volatile Mode mode = Mode.UP;

  public TcpProxy(String targetHost, int targetPort) {
    server = vertx.createNetServer().connectHandler(front -> accept(front, targetHost, targetPort));
    TestServer.await(server.listen(0, "127.0.0.1"));
  }

  /** A database URL that reaches {@code database} through this proxy. */
  public String databaseUrl(String database) {
    return "postgresql://postgres@127.0.0.1:" + server.actualPort() + "/" + database;
  }

  public void down() {
    mode = Mode.DOWN;
    sockets.forEach(NetSocket::close);
  }

  public void stall() {
    mode = Mode.STALLED;
    sockets.forEach(NetSocket::pause);
  }

  public void up() {
    mode = Mode.UP;
    sockets.forEach(NetSocket::resume);
  }

  @Override
  public void close() {
    TestServer.await(vertx.close());
  }

  private void accept(NetSocket front, String host, int port) {
    if (mode == Mode.DOWN) {
      front.close();
      return;
    }
    front.pause();
    client.connect(port, host).onSuccess(back -> {
      relay(front, back);
      relay(back, front);
      if (mode == Mode.UP) {
        front.resume();
      } else {
        back.pause();
      }
    }).onFailure(failure -> front.close());
  }

  private void relay(NetSocket from, NetSocket to) {
    sockets.add(from);
    from.handler(to::write);
    from.closeHandler(v -> {
      sockets.remove(from);
      to.close();
    });
  }
}
