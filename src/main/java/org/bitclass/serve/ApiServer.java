package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP server: the OpenAI-compatible API, llama-server's tokenizer and health routes, model listing and
 * loading for the page, and the page itself. Each request runs on its own virtual thread; generation runs on the
 * model's scheduler thread.
 */
public final class ApiServer implements AutoCloseable {

    private final ServerSettings settings;
    private final ModelCatalog catalog;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final byte[] apiKey;
    private final boolean loopbackOnly;
    private volatile ServedModel served;
    private volatile String loading;

    private ApiServer(ServerSettings settings, ModelCatalog catalog) throws IOException {
        this.settings = settings;
        this.catalog = catalog;
        this.apiKey = settings.apiKey() == null ? null : ("Bearer " + settings.apiKey()).getBytes(StandardCharsets.UTF_8);
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        this.loopbackOnly = address.getAddress() != null && address.getAddress().isLoopbackAddress();
        try { // bound before the model loads, so a taken port is reported at once
            http = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        var first = catalog.initial();
        if (first.isPresent()) {
            try {
                served = ServedModel.open(first.get().name(), first.get().path(), settings);
            } catch (IOException | RuntimeException e) {
                http.stop(0);
                throw e;
            }
        }
        http.setExecutor(executor);
        http.createContext("/", h -> handle(new Exchange(h)));
        http.start();
    }

    /** Serves one model file. */
    public static ApiServer ofModel(Path model, ServerSettings settings) throws IOException {
        return new ApiServer(settings, ModelCatalog.ofFile(model));
    }

    /** Serves the models of a folder, none loaded until one is picked. */
    public static ApiServer ofFolder(Path folder, ServerSettings settings) throws IOException {
        return new ApiServer(settings, ModelCatalog.ofFolder(folder));
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Slots serving a request right now (0 when no model is loaded). */
    public int busySlots() {
        ServedModel m = served;
        return m == null ? 0 : m.scheduler.busySlots();
    }

    /** Tokens decoded past the prompts of the loaded model's requests so far (0 when none is loaded). */
    public long decodeSteps() {
        ServedModel m = served;
        return m == null ? 0 : m.scheduler.decodeSteps();
    }

    private void handle(Exchange ex) {
        try {
            route(ex);
        } catch (ApiException e) {
            trySendError(ex, e);
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            trySendError(ex, new ApiException(500, "internal error: " + message(e)));
        } finally {
            ex.close();
        }
    }

    /** An exception's own message for a client, never Java's class name. */
    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : "unexpected " + e.getClass().getSimpleName();
    }

    private static void trySendError(Exchange ex, ApiException e) {
        try {
            ex.sendError(e);
        } catch (IOException | RuntimeException ignored) {
            // headers already sent (a broken stream) or the client has gone
        }
    }

    private void route(Exchange ex) throws IOException, InterruptedException {
        String path = ex.path();
        String method = ex.method();
        if (method.equals("GET") && StaticFiles.serves(path)) {
            StaticFiles.send(ex);
            return;
        }
        if (method.equals("GET") && path.equals("/health")) {
            ex.sendJson(200, Exchange.JSON.createObjectNode().put("status", "ok"));
            return;
        }
        refuseOtherSites(ex);
        authorize(ex);
        switch (method + " " + path) {
            case "GET /v1/models", "GET /models" -> ex.sendJson(200, models());
            case "POST /models/load" -> load(ex, readJson(ex));
            case "POST /v1/chat/completions", "POST /chat/completions" -> {
                JsonNode body = readJson(ex);
                CompletionEndpoint.CHAT.handle(ex, body, model(body));
            }
            case "POST /v1/completions", "POST /completions" -> {
                JsonNode body = readJson(ex);
                CompletionEndpoint.TEXT.handle(ex, body, model(body));
            }
            case "POST /tokenize" -> tokenize(ex, readJson(ex));
            case "POST /detokenize" -> detokenize(ex, readJson(ex));
            default -> throw new ApiException(404, "no route " + method + " " + path);
        }
    }

    /**
     * A web page of another site must not drive the server from the user's browser: its "simple" POSTs (text/plain,
     * no preflight) fail the JSON check, a cross-origin request fails the Origin check, and a DNS-rebound name fails
     * the Host check while the server listens on loopback only.
     */
    private void refuseOtherSites(Exchange ex) {
        var headers = ex.http.getRequestHeaders();
        String host = headers.getFirst("Host");
        if (loopbackOnly && host != null && !isLoopbackName(host)) {
            throw new ApiException(403, "requests for host '" + host + "' are refused: this server answers on loopback");
        }
        String origin = headers.getFirst("Origin");
        if (origin != null && host != null && !origin.equals("http://" + host)) {
            throw new ApiException(403, "cross-origin requests are refused (Origin " + origin + ")");
        }
        String type = headers.getFirst("Content-Type");
        if (ex.method().equals("POST") && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
            throw ApiException.badRequest("send the body as Content-Type: application/json");
        }
    }

    private static boolean isLoopbackName(String host) {
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":\\d+$", "");
        return name.equals("localhost") || name.equals("[::1]") || name.startsWith("127.");
    }

    /** The key, compared in constant time so its bytes cannot be guessed one at a time from response times. */
    private void authorize(Exchange ex) {
        if (apiKey == null) {
            return;
        }
        String given = ex.http.getRequestHeaders().getFirst("Authorization");
        byte[] bytes = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(apiKey, bytes)) {
            throw new ApiException(401, "invalid or missing API key");
        }
    }

    private JsonNode readJson(Exchange ex) throws IOException {
        return ex.readJson(settings.maxBodyBytes(), settings.bodyMillis());
    }

    /** The loaded model, checked against the request's {@code model} when it names one. */
    private ServedModel model(JsonNode body) throws IOException {
        Fields f = new Fields(body);
        String name = f.string("model", null);
        ServedModel m = served;
        if (name != null && (m == null || !m.name.equals(name))) {
            catalog.find(name); // 404 when no such model
            throw new ApiException(name.equals(loading) ? 503 : 400, name.equals(loading)
                    ? "model " + name + " is loading" : "model " + name + " is not loaded; POST /models/load first");
        }
        if (m == null) {
            throw new ApiException(503, loading != null ? "model " + loading + " is loading" : "no model is loaded");
        }
        return m;
    }

    private ObjectNode models() throws IOException {
        ObjectNode out = Exchange.JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        ServedModel m = served;
        for (ModelCatalog.Entry e : catalog.list()) {
            ObjectNode item = data.addObject().put("id", e.name()).put("object", "model").put("owned_by", "bitclass")
                    .put("created", e.path().toFile().lastModified() / 1000);
            ObjectNode meta = item.putObject("meta").put("size", e.bytes()).put("bpw", e.bpw())
                    .put("loaded", m != null && m.name.equals(e.name()));
            ObjectNode kld = meta.putObject("kld");
            e.kld().forEach(kld::put);
        }
        return out;
    }

    /** Loads the named model in place of the current one; requests running on the old one fail with 503. */
    private synchronized void load(Exchange ex, JsonNode body) throws IOException {
        String name = new Fields(body).string("model", null);
        if (name == null) {
            throw ApiException.badRequest("'model' is required");
        }
        ModelCatalog.Entry entry = catalog.find(name);
        if (served == null || !served.name.equals(entry.name())) {
            loading = entry.name();
            try {
                ServedModel next; // opened before the current model closes, which keeps serving if this fails
                try {
                    next = ServedModel.open(entry.name(), entry.path(), settings);
                } catch (IOException | RuntimeException e) {
                    throw new ApiException(400, "cannot load '" + entry.name() + "': " + message(e));
                }
                closeModel();
                served = next;
            } finally {
                loading = null;
            }
        }
        ex.sendJson(200, Exchange.JSON.createObjectNode().put("model", entry.name()).put("status", "loaded"));
    }

    private void tokenize(Exchange ex, JsonNode body) throws IOException {
        Fields f = new Fields(body);
        ServedModel m = model(body);
        String content = f.string("content", null);
        if (content == null) {
            throw ApiException.badRequest("'content' must be a string");
        }
        boolean withPieces = f.bool("with_pieces", false);
        int[] ids = m.tokenizer.encode(content, f.bool("add_special", false), f.bool("parse_special", true));
        ObjectNode out = Exchange.JSON.createObjectNode();
        ArrayNode tokens = out.putArray("tokens");
        for (int id : ids) {
            if (withPieces) {
                tokens.addObject().put("id", id).put("piece", m.tokenizer.tokenPiece(id));
            } else {
                tokens.add(id);
            }
        }
        ex.sendJson(200, out);
    }

    private void detokenize(Exchange ex, JsonNode body) throws IOException {
        ServedModel m = model(body);
        int[] ids = new Fields(body).ints("tokens");
        for (int id : ids) {
            if (id < 0 || id >= m.tokenizer.vocabSize()) {
                throw ApiException.badRequest("token id " + id + " is outside the vocabulary");
            }
        }
        ex.sendJson(200, Exchange.JSON.createObjectNode().put("content", m.tokenizer.decode(ids)));
    }

    private void closeModel() {
        ServedModel m = served;
        served = null;
        if (m != null) {
            m.close();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        closeModel();
    }
}
