import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * DynamoDB Local bound to one address (127.0.0.1) instead of every interface.
 *
 * <p>DynamoDB Local has no option for its listening address: its DynamoDBProxyServer builds a Jetty
 * {@code Server(port)}, whose connector binds the wildcard address, so anybody on the network could read
 * and rewrite the local stack's data. This launcher builds the server exactly as DynamoDB Local's own
 * main does ({@code ServerRunner.createServerFromCommandLineArgs}, same options), sets the host of the
 * Jetty connectors before the server opens its socket, and starts it. Telemetry is not configured, so
 * none is sent.
 *
 * <p>Run in source-file mode ({@code java -cp DynamoDBLocal.jar LoopbackDynamoDBLocal.java <host>
 * <DynamoDB Local options>}): everything is reached by reflection, so it compiles against the JDK alone.
 */
public final class LoopbackDynamoDBLocal {
  private LoopbackDynamoDBLocal() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) throw new IllegalArgumentException("usage: <host> <DynamoDB Local options>");
    String host = args[0];
    String[] options = Arrays.copyOfRange(args, 1, args.length);

    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) options);

    Field serverField = proxy.getClass().getDeclaredField("server");
    serverField.setAccessible(true);
    Object jetty = serverField.get(proxy);
    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local built a server without connectors");
    for (Object connector : connectors) {
      Method setHost = connector.getClass().getMethod("setHost", String.class);
      setHost.invoke(connector, host);
    }

    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("DynamoDB Local listening on " + host + " only");
  }
}
