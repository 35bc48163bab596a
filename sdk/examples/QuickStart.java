import com.apisentinel.sdk.FailoverPayments;
import com.apisentinel.sdk.Gateway;
import com.apisentinel.sdk.HttpGateway;
import com.apisentinel.sdk.PaymentEvent;
import com.apisentinel.sdk.PaymentResult;
import com.apisentinel.sdk.SentinelClient;
import com.apisentinel.sdk.SentinelStats;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SDK's fixed surface, as the API reference shows it: report an event, then make a payment with
 * failover. {@code java -cp sdk/target/api-sentinel-sdk.jar sdk/examples/QuickStart.java <apiKey>
 * <sentinelUrl> <primaryGatewayUrl> <secondaryGatewayUrl>}
 */
public final class QuickStart {

  public static void main(String[] args) throws Exception {
    SentinelClient client = SentinelClient.builder().apiKey(args[0])
        .endpoint(URI.create(args[1])).build();
    boolean queued = client.track(PaymentEvent.builder().primaryGateway("stripe").gatewayUsed("paypal")
        .failoverUsed(true).success(true).amount(5000).currency("USD").latencyMs(2100)
        .recoveryTimeMs(1850).build());
    client.flush().get(30, TimeUnit.SECONDS);

    Gateway stripe = HttpGateway.builder("stripe").baseUrl(URI.create(args[2]))
        .header("Authorization", "Bearer sk_test_...").build();
    Gateway paypal = HttpGateway.builder("paypal").baseUrl(URI.create(args[3])).build();
    FailoverPayments payments = client.failover(stripe, paypal);
    PaymentResult r = payments.postWithFailover("/charges", Map.of("amount", 5000, "currency", "usd"));
    boolean success = r.success();
    String gatewayUsed = r.gatewayUsed();
    boolean failoverUsed = r.failoverUsed();
    long recoveryTimeMs = r.recoveryTimeMs();
    int statusCode = r.statusCode();
    String body = r.body();
    String error = r.error();
    client.flush().get(30, TimeUnit.SECONDS);

    SentinelStats s = client.stats();
    long[] counters = {s.tracked(), s.accepted(), s.duplicates(), s.rejected(), s.dropped(), s.retries()};
    System.out.printf("queued=%s payment: success=%s via %s failover=%s recovery=%d ms status=%d error=%s body=%s%n",
        queued, success, gatewayUsed, failoverUsed, recoveryTimeMs, statusCode, error, body);
    System.out.printf("tracked=%d accepted=%d duplicates=%d rejected=%d dropped=%d retries=%d%n",
        counters[0], counters[1], counters[2], counters[3], counters[4], counters[5]);
    client.close();
  }
}
