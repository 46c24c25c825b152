package org.stateos.itests.hello;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;

/**
 * Test fixture: answers GET /hello with this bundle's version and the content of version.txt,
 * so a test can tell which revision of the bundle is serving after an update.
 */
@Component(service = HttpRoute.class, property = {
        HttpRoute.PREFIX + "=/hello",
        HttpRoute.METHODS + "=GET",
        HttpRoute.NAME + "=hello"})
public final class HelloRoute implements HttpRoute {
    private final String answer;

    @Activate
    public HelloRoute(BundleContext context) throws java.io.IOException {
        java.net.URL marker = context.getBundle().getEntry("version.txt");
        String text = "";
        if (marker != null) {
            try (java.io.InputStream in = marker.openStream()) {
                text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            }
        }
        this.answer = "hello " + context.getBundle().getVersion() + " " + text;
    }

    @Override
    public void handle(HttpExchange exchange) {
        exchange.respond(HttpResponseStatus.OK, "text/plain; charset=utf-8", answer);
    }
}
