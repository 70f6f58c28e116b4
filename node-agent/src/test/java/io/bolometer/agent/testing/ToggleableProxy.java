package io.bolometer.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy that can go down and come back on the same port: {@link #refuse()} closes the listening
 * socket and cuts open connections (clients see "connection refused" / reset, as when S3 is unreachable), and
 * {@link #accept()} listens again. Rebinding relies on SO_REUSEADDR; the port could in theory be taken meanwhile.
 * {@link #throttle(long)} slows what clients send (e.g. an upload) to a rate per connection.
 */
public final class ToggleableProxy implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final InetAddress listenAddress;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile int port;
    private volatile long clientBytesPerSecond;

    private ToggleableProxy(InetAddress listenAddress, int targetPort) {
        this.listenAddress = listenAddress;
        this.targetPort = targetPort;
    }

    /** A proxy on 127.0.0.1 and a free port, accepting, forwarding to 127.0.0.1:{@code targetPort}. */
    public static ToggleableProxy start(int targetPort) {
        return start(LOOPBACK, targetPort);
    }

    /**
     * A proxy on {@code listenAddress} (e.g. a real node's bridge address, so pods reach a loopback server) and a
     * free port, forwarding to 127.0.0.1:{@code targetPort}.
     */
    public static ToggleableProxy start(InetAddress listenAddress, int targetPort) {
        ToggleableProxy proxy = new ToggleableProxy(listenAddress, targetPort);
        proxy.listen(0);
        return proxy;
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://" + listenAddress.getHostAddress() + ":" + port);
    }

    /** Limits each connection's client-to-server bytes to this rate; 0 lifts the limit. */
    public void throttle(long bytesPerSecond) {
        this.clientBytesPerSecond = bytesPerSecond;
    }

    /** Stops listening and cuts every open connection. */
    public synchronized void refuse() {
        ServerSocket current = server;
        server = null;
        closeQuietly(current);
        open.forEach(ToggleableProxy::closeQuietly);
        open.clear();
    }

    /** Listens again on the same port. */
    public synchronized void accept() {
        if (server == null) {
            listen(port);
        }
    }

    @Override
    public void close() {
        refuse();
    }

    private synchronized void listen(int wantedPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(listenAddress, wantedPort));
            server = socket;
            port = socket.getLocalPort();
            Thread acceptor = new Thread(() -> acceptLoop(socket), "proxy-accept-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not listen on " + listenAddress.getHostAddress() + ":" + wantedPort, e);
        }
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket(LOOPBACK, targetPort);
                open.add(client);
                open.add(upstream);
                if (server != socket) {
                    // refuse() ran while this connection was being set up: cut it too
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // one failed connection: the client sees it closed and retries
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer, 0, chunk(fromClient, buffer.length))) >= 0) {
                    out.write(buffer, 0, n);
                    long rate = fromClient ? clientBytesPerSecond : 0;
                    if (rate > 0) {
                        Thread.sleep(Math.max(1, n * 1000L / rate)); // pacing, not waiting for a condition
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // cut by refuse() or closed by a peer
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Smaller reads while throttled, so pacing is smooth (about 20 steps a second). */
    private int chunk(boolean fromClient, int max) {
        long rate = fromClient ? clientBytesPerSecond : 0;
        return rate > 0 ? (int) Math.max(1024, Math.min(max, rate / 20)) : max;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is best effort
        }
    }
}
