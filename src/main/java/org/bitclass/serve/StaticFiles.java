package org.bitclass.serve;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The web page, packaged in the jar under {@code /web}. Only the files named here are served: a request path is
 * looked up, never resolved, so it cannot reach anything else.
 */
final class StaticFiles {

    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/app.js", "app.js",
            "/markdown.js", "markdown.js",
            "/style.css", "style.css");

    private StaticFiles() {
    }

    static boolean serves(String path) {
        return FILES.containsKey(path);
    }

    static void send(Exchange ex) throws IOException {
        String file = FILES.get(ex.path());
        byte[] bytes;
        try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + file)) {
            if (in == null) {
                throw new ApiException(404, "missing resource " + file);
            }
            bytes = in.readAllBytes();
        }
        String type = file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css";
        ex.http.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:");
        ex.http.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.send(200, type + "; charset=utf-8", bytes);
    }
}
